"""The review's database: tables, migrations, sessions, derived state, dumps.

Open a store with :func:`open_store` (SQLite in the project directory by default, or any
``postgresql+psycopg://`` URL; :func:`database_url` picks one the usual way). The schema
is managed by Alembic (:meth:`Store.upgrade`), and opening a store upgrades it first.

Nothing is deleted or overwritten in place: event tables accept ``INSERT`` only (enforced
by database triggers), corrections are new rows, and the current state is derived by the
``current_*`` queries. :func:`export_store` and :func:`load_store` dump and restore a
whole store losslessly.

Examples
--------
>>> import tempfile
>>> from sysreview.project.storage import Reviewer, open_store
>>> with tempfile.TemporaryDirectory() as project:
...     with open_store(project) as store:
...         with store.session() as session:
...             session.add(Reviewer(name="AB", roles=["screener"]))
...             _ = store.audit("AB", "add reviewer", "reviewer")
...         at_head = store.current_revision() == store.head_revision()
>>> at_head
True
"""

from typing import TYPE_CHECKING

from sysreview.errors import StoreError
from sysreview.lazy import lazy_exports
from sysreview.project.storage.connecting import create_store_engine
from sysreview.project.storage.engine import Store, open_store
from sysreview.project.storage.reads import Reads
from sysreview.project.storage.urls import DB_FILE, ENV_VAR, database_url, parse_url, sqlite_url
from sysreview.project.storage.vocabulary import (
    APPEND_ONLY_TABLES,
    ARM_TYPES,
    DECISION_KINDS,
    DECISIONS,
    ENTRY_KINDS,
    LINK_STATUSES,
    ROB_JUDGEMENTS,
    SOURCE_KINDS,
    STAGES,
    utcnow,
)

if TYPE_CHECKING:  # the tables and queries are imported when first used
    from sysreview.project.storage.base import Base
    from sysreview.project.storage.certainty import GRADE_DOMAINS, GRADE_RATINGS, GradeRating
    from sysreview.project.storage.dump import (
        DumpManifest,
        TableDump,
        check_dump,
        export_store,
        holds_data,
        load_store,
        table_counts,
    )
    from sysreview.project.storage.fulltexts import (
        CONTACT_OUTCOMES,
        RETRIEVAL_STATUSES,
        STUDY_STATUSES,
        AuthorContact,
        FulltextFile,
        RetrievalEvent,
        StudyStatusEvent,
    )
    from sysreview.project.storage.identity import ProjectIdentity, project_uuid
    from sysreview.project.storage.labels import (
        KEYWORD_KINDS,
        KeywordEvent,
        LabelDefinition,
        LabelEvent,
    )
    from sysreview.project.storage.prisma import PrismaOtherSource
    from sysreview.project.storage.queries import (
        current_decisions,
        current_duplicate_links,
        current_extraction_values,
        current_judgements,
        current_outcome_data,
        latest_decisions_select,
    )
    from sysreview.project.storage.records import (
        AuditEntry,
        DecisionEvent,
        DuplicateLink,
        ImportBatch,
        Record,
        Reviewer,
        ScreeningAssignment,
    )
    from sysreview.project.storage.screening_reads import confirmed_pairs
    from sysreview.project.storage.studies import (
        Arm,
        ExtractionValue,
        OutcomeData,
        OutcomeMeasure,
        RobJudgement,
        Study,
        StudyReport,
    )

_LAZY = {
    "base": ("Base",),
    "records": ("AuditEntry", "DecisionEvent", "DuplicateLink", "ImportBatch", "Record",
                "Reviewer", "ScreeningAssignment"),
    "certainty": ("GRADE_DOMAINS", "GRADE_RATINGS", "GradeRating"),
    "dump": ("DumpManifest", "TableDump", "check_dump", "export_store", "holds_data",
             "load_store", "table_counts"),
    "fulltexts": ("CONTACT_OUTCOMES", "RETRIEVAL_STATUSES", "STUDY_STATUSES", "AuthorContact",
                  "FulltextFile", "RetrievalEvent", "StudyStatusEvent"),
    "identity": ("ProjectIdentity", "project_uuid"),
    "labels": ("KEYWORD_KINDS", "KeywordEvent", "LabelDefinition", "LabelEvent"),
    "prisma": ("PrismaOtherSource",),
    "screening_reads": ("confirmed_pairs",),
    "queries": ("current_decisions", "current_duplicate_links",
                "current_extraction_values", "current_judgements", "current_outcome_data",
                "latest_decisions_select"),
    "studies": ("Arm", "ExtractionValue", "OutcomeData", "OutcomeMeasure", "RobJudgement",
                "Study", "StudyReport"),
}  # fmt: skip
"""Names imported on first use, by module: a command pays only for the tables it reads
(and one that reads through :class:`Reads` only, for none, nor for SQLAlchemy)
(the table classes of a module are registered with :class:`Base` when it is imported;
:func:`sysreview.project.storage.models.full_metadata` imports them all)."""
__getattr__, __dir__ = lazy_exports(
    __name__,
    {name: f"{__name__}.{module}" for module, names in _LAZY.items() for name in names},
    globals(),
)

__all__ = [
    "APPEND_ONLY_TABLES",
    "ARM_TYPES",
    "CONTACT_OUTCOMES",
    "DB_FILE",
    "DECISIONS",
    "DECISION_KINDS",
    "ENTRY_KINDS",
    "ENV_VAR",
    "GRADE_DOMAINS",
    "GRADE_RATINGS",
    "KEYWORD_KINDS",
    "LINK_STATUSES",
    "RETRIEVAL_STATUSES",
    "ROB_JUDGEMENTS",
    "SOURCE_KINDS",
    "STAGES",
    "STUDY_STATUSES",
    "Arm",
    "AuditEntry",
    "AuthorContact",
    "Base",
    "DecisionEvent",
    "DumpManifest",
    "DuplicateLink",
    "ExtractionValue",
    "FulltextFile",
    "GradeRating",
    "ImportBatch",
    "KeywordEvent",
    "LabelDefinition",
    "LabelEvent",
    "OutcomeData",
    "OutcomeMeasure",
    "PrismaOtherSource",
    "ProjectIdentity",
    "Reads",
    "Record",
    "RetrievalEvent",
    "Reviewer",
    "RobJudgement",
    "ScreeningAssignment",
    "Store",
    "StoreError",
    "Study",
    "StudyReport",
    "StudyStatusEvent",
    "TableDump",
    "check_dump",
    "confirmed_pairs",
    "create_store_engine",
    "current_decisions",
    "current_duplicate_links",
    "current_extraction_values",
    "current_judgements",
    "current_outcome_data",
    "database_url",
    "export_store",
    "holds_data",
    "latest_decisions_select",
    "load_store",
    "open_store",
    "parse_url",
    "project_uuid",
    "sqlite_url",
    "table_counts",
    "utcnow",
]
