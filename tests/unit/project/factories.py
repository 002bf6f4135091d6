"""Small builders of store contents for the tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from sysreview.project.storage import (
    Arm,
    AuthorContact,
    DecisionEvent,
    DuplicateLink,
    ExtractionValue,
    FulltextFile,
    GradeRating,
    ImportBatch,
    KeywordEvent,
    LabelDefinition,
    LabelEvent,
    OutcomeData,
    OutcomeMeasure,
    PrismaOtherSource,
    Record,
    RetrievalEvent,
    Reviewer,
    RobJudgement,
    ScreeningAssignment,
    Store,
    Study,
    StudyReport,
    StudyStatusEvent,
)
from sysreview.project.storage.screening_aids import RecordEmbedding, StoppingEvent


def sha256(text: str) -> str:
    """A valid file checksum made from ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


def add_batch(session: Session, n: int = 3, file_name: str = "embase.ris") -> ImportBatch:
    """An import batch of ``n`` records, flushed (ids assigned)."""
    batch = ImportBatch(
        source_database="Embase",
        interface="Ovid",
        search_date=date(2024, 5, 1),
        query_text="(peer support).ti,ab AND random*.ti,ab",
        file_name=file_name,
        file_sha256=sha256(file_name),
        record_count=n,
    )
    batch.records = [
        Record(position=i + 1, title=f"Trial {i + 1}", year=2020 + i, raw={"TI": f"Trial {i + 1}"})
        for i in range(n)
    ]
    session.add(batch)
    session.flush()
    return batch


def add_reviewers(session: Session, *names: str) -> list[Reviewer]:
    """Reviewers with the given names (an ``ARB…`` name is an arbiter), flushed."""
    people = [
        Reviewer(name=name, roles=["arbiter"] if name.startswith("ARB") else ["screener"])
        for name in names
    ]
    session.add_all(people)
    session.flush()
    return people


def populate(store: Store) -> None:
    """Put rows in every table, with awkward values: unicode, NULLs, nested JSON, floats."""
    with store.session() as s:
        batch = add_batch(s, n=4)
        a, b, arb = add_reviewers(s, "Ana Ñúñez", "Bo 李", "ARB Chidi")
        r = batch.records
        extra = Record(
            batch_id=batch.id,
            position=5,
            doi="10.1000/xyz-ä",
            abstract='α\nβ\t"γ"',
            raw={"AU": ["x", "y"]},
        )
        s.add(extra)
        s.add_all(
            [
                DuplicateLink(
                    record_a_id=r[0].id,
                    record_b_id=r[1].id,
                    rule="doi",
                    score=1.0,
                    status="proposed",
                ),
                DuplicateLink(
                    record_a_id=r[0].id,
                    record_b_id=r[1].id,
                    rule="doi",
                    score=None,
                    status="confirmed",
                    reviewer_id=a.id,
                ),
                DecisionEvent(
                    stage="ta", record_id=r[0].id, reviewer_id=a.id, decision="include", note="ok"
                ),
                DecisionEvent(
                    stage="ta",
                    record_id=r[0].id,
                    reviewer_id=b.id,
                    decision="exclude",
                    reason="not an RCT",
                ),
                DecisionEvent(
                    stage="ta",
                    record_id=r[0].id,
                    reviewer_id=arb.id,
                    kind="resolution",
                    decision="include",
                ),
                ScreeningAssignment(stage="ta", record_id=r[0].id, slot="first", reviewer_id=a.id),
                ScreeningAssignment(
                    stage="ta",
                    record_id=r[0].id,
                    slot="second",
                    reviewer_id=b.id,
                    origin="reassignment",
                    assigned_by="admin",
                ),
                DecisionEvent(
                    stage="ta",
                    record_id=r[0].id,
                    reviewer_id=b.id,
                    decision="exclude",
                    reason="not an RCT",
                    retraction=True,
                    revealed=True,
                    source="sheet:r2.xlsx",
                ),
            ]
        )
        study = Study(label="Smith 2019")
        measure = OutcomeMeasure(
            domain="recovery",
            instrument="QPR",
            scale_min=0.0,
            scale_max=60.0,
            higher_is_better=True,
            validated=True,
        )
        s.add_all([study, measure])
        s.flush()
        arms = [
            Arm(study_id=study.id, name="Peer support", arm_type="intervention", n=52),
            Arm(study_id=study.id, name="TAU", arm_type="tau", n=None),
        ]
        s.add_all([StudyReport(study_id=study.id, record_id=r[0].id, is_primary=True), *arms])
        s.flush()
        s.add_all(
            [
                OutcomeData(
                    arm_id=arms[0].id,
                    outcome_measure_id=measure.id,
                    timepoint="post",
                    timepoint_weeks=12.0,
                    mean=0.1,
                    sd=1e-300,
                    n=50,
                    entered_by=a.id,
                    source_location="Table 2, p. 5",
                ),
                OutcomeData(
                    arm_id=arms[1].id,
                    outcome_measure_id=measure.id,
                    timepoint="post",
                    mean=-3.25,
                    sd=7.0,
                    n=48,
                    ci_low=-5.5,
                    ci_high=-1.0,
                    entered_by=a.id,
                ),
                RobJudgement(
                    study_id=study.id,
                    tool="rob1",
                    domain="random sequence generation",
                    judgement="low",
                    support="“computer-generated”",
                    reviewer_id=a.id,
                ),
                RobJudgement(
                    study_id=study.id,
                    tool="rob1",
                    domain="random sequence generation",
                    judgement="unclear",
                    reviewer_id=b.id,
                ),
                ExtractionValue(
                    entity="study",
                    entity_id=study.id,
                    key="country",
                    value={"name": "Norway", "sites": [1, 2.5, None, True]},
                    reviewer_id=a.id,
                ),
                ExtractionValue(
                    entity="arm",
                    entity_id=arms[1].id,
                    key="sessions",
                    value=None,
                    reviewer_id=b.id,
                    source_location=None,
                ),
                GradeRating(
                    outcome="recovery",
                    timepoint="post_intervention",
                    domain="indirectness",
                    rating="serious",
                    reason="“older adults only”: narrower than the question",
                    reviewer_id=a.id,
                    source="sheet:grade ä.xlsx",
                ),
                PrismaOtherSource(
                    source="Earlier search (Covidence), “ä” 2024",
                    note="exported 2024-01-05",
                    counts={
                        "records_databases": 2,
                        "records_databases_by_source": {"MEDLINE": 2},
                        "records_screened": 2,
                        "records_excluded": 2,
                    },
                    file_name="covidence prisma.toml",
                    file_sha256=sha256("covidence"),
                    reviewer_id=a.id,
                ),
            ]
        )
        s.add_all(
            [
                RecordEmbedding(
                    record_id=r[0].id, model="test-model", dimensions=2, vector=b"\x00\x01" * 4
                ),
                StoppingEvent(
                    stage="ta",
                    kind="stop",
                    who="Ana Ñúñez",
                    method="random sampling",
                    n_total=3,
                    n_screened=2,
                    n_relevant=1,
                    recall_target=0.95,
                    alpha=0.05,
                    p_value=0.01,
                    recall_estimate=1.0,
                    recall_lower_bound=0.96,
                    sample_start=1,
                    sample_seed=7,
                    evidence="Stopping aid: …",
                ),
                FulltextFile(
                    record_id=r[0].id,
                    sha256=sha256("pdf ä"),
                    file_name="Smith 2019 “final”.pdf",
                    size=1234,
                    page_count=9,
                    text="Synthetic trial ä\fpage two",
                    source="cli",
                    reviewer_id=a.id,
                ),
                RetrievalEvent(record_id=r[1].id, status="sought", reviewer_id=a.id),
                RetrievalEvent(
                    record_id=r[1].id,
                    status="not_retrieved",
                    reason="library could not obtain it “ä”",
                    reviewer_id=b.id,
                ),
                StudyStatusEvent(
                    study_id=study.id,
                    status="ongoing",
                    data={"trial_name": "PEER-Ä", "starting_date": "2024-01", "notes": None},
                    reviewer_id=a.id,
                ),
            ]
        )
        s.flush()
        first = AuthorContact(
            study_id=study.id,
            contact="Dr Ä Smith <a.smith@example.org>",
            contacted_on=date(2024, 2, 1),
            asked="SDs at 12 weeks?",
            outcome="awaiting_reply",
            reviewer_id=a.id,
        )
        s.add(first)
        s.flush()
        s.add(
            AuthorContact(
                study_id=study.id,
                follows_id=first.id,
                contact=first.contact,
                contacted_on=first.contacted_on,
                asked=first.asked,
                reply="SD 4.1 and 3.9",
                replied_on=date(2024, 2, 9),
                outcome="answered",
                reviewer_id=a.id,
            )
        )
        s.add_all([
            LabelDefinition(name="RCT ✓", description="randomised", who="Ana Ñúñez"),
            LabelEvent(record_id=r[0].id, label="RCT ✓", applied=True, who="Ana Ñúñez"),
            KeywordEvent(owner=None, word="peer support", kind="include", who="Ana Ñúñez"),
            KeywordEvent(owner="Ana Ñúñez", word="cohort", kind="exclude", who="Ana Ñúñez"),
        ])  # fmt: skip
        store.audit("Ana Ñúñez", "populate", "study", study.id, {"at": str(datetime.now(UTC))})
