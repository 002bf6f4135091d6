"""``sysreview data load``: an outside file stored the way a filled template is.

Every test runs on SQLite and on PostgreSQL (``store`` fixture). The files are small CSVs
with metafor's column names (``sysreview.io.metafor_csv``) and datasets built directly;
the Metapsy path is the demo's (``tests/unit/commands/test_demo.py``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.extraction.validate import ExtractionInputError
from sysreview.io import Dataset, RobRow, read_dataset
from sysreview.prisma import OtherSourceCounts, counts_from_dict
from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.extracting.datasets import load_dataset
from sysreview.project.extracting.values import add_values, review_data
from sysreview.project.reporting.prisma_data import prisma_counts
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import AuditEntry, PrismaOtherSource, Store, Study, open_store
from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.protocol.appraisal import ROB2_DOMAINS
from tests.conftest import PROJECT_ROOT

SEED = parse_protocol(template_text("group-peer-support"))
DEMO = parse_protocol(
    (PROJECT_ROOT / "examples" / "group-peer-support" / "review.toml").read_text("utf-8")
)
CSV = """\
slab,m1i,sd1i,n1i,m2i,sd2i,n2i,domain,measure,comparator,timepoint_label
Smith 2019,36.1,5.2,38,34.0,5.9,39,hope,Herth Hope Index,TAU,end of treatment
Jones 2020,35.0,4.8,60,33.2,5.1,61,hope,Herth Hope Index,TAU,
"""


def _dataset(tmp_path: Path, text: str = CSV, protocol: Protocol = SEED) -> Dataset:
    (tmp_path / "data.csv").write_text(text, encoding="utf-8")
    return read_dataset(tmp_path / "data.csv", protocol)


def _count(store: Store, table: type) -> int:
    with store.session(readonly=True) as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_the_file_is_stored_as_its_rows_entered_by_hand_would_be(
    store: Store, tmp_path: Path
) -> None:
    dataset = _dataset(tmp_path)
    with pytest.raises(InputError, match=r"2 studies of the file are not in the project "
                       r"\('Smith 2019', 'Jones 2020'\).*--add-studies"):  # fmt: skip
        load_dataset(store, SEED, dataset, "R1")
    assert _count(store, Study) == 0
    done = load_dataset(store, SEED, dataset, "R1", add_studies=True)
    assert done.studies_added == ("Smith 2019", "Jones 2020")
    assert done.values.new == {"arms": 4, "outcomes": 4}  # the arm types; mean/sd/n per arm
    loaded = review_data(store, SEED)
    # the same numbers entered through the Python API (the forms' path) in another project
    with open_store(tmp_path / "by-hand") as other:
        for study in ("Smith 2019", "Jones 2020"):
            add_study(other, study)
        rows = {"studies": dataset.studies, "arms": dataset.arms, "outcomes": dataset.outcomes}
        add_values(other, SEED, "R1", **rows)
        by_hand = review_data(other, SEED)
    assert loaded == by_hand
    smith = [o for o in loaded.outcomes if o.study_id == "Smith 2019"]
    assert {o.source for o in smith} == {"R1 only; data.csv, line 2"}
    assert {o.timepoint_label for o in smith} == {"end of treatment"}


def test_loading_again_stores_nothing_and_a_change_is_a_correction(
    store: Store, tmp_path: Path
) -> None:
    load_dataset(store, SEED, _dataset(tmp_path), "R1", add_studies=True)
    again = load_dataset(store, SEED, _dataset(tmp_path), "R1")
    assert sum(again.values.new.values()) == 0
    assert again.studies_added == () and again.values.unchanged["outcomes"] == 4
    changed = load_dataset(store, SEED, _dataset(tmp_path, CSV.replace("36.1", "36.4")), "R1")
    assert changed.values.new == {"outcomes": 1}
    (peer,) = [o for o in review_data(store, SEED).outcomes
               if o.study_id == "Smith 2019" and o.arm == "intervention"]  # fmt: skip
    assert peer.mean == 36.4


def test_a_bad_row_stores_nothing_not_even_the_studies(store: Store, tmp_path: Path) -> None:
    bad = CSV.replace("36.1,5.2", "36.1,0")
    with pytest.raises(
        ExtractionInputError,
        match=r"sheet outcomes, row 1, column 'sd': .* \(in the file: data\.csv, line 2\)",
    ):
        load_dataset(store, SEED, _dataset(tmp_path, bad), "R1", add_studies=True)
    with pytest.raises(InputError, match=r"reviewer 'R2' is not an? extractor"):
        load_dataset(store, SEED, _dataset(tmp_path), "R2", add_studies=True)
    assert _count(store, Study) == 0
    with store.session(readonly=True) as session:
        assert session.scalars(select(AuditEntry.what)).all() == []


def _rob(study: str, overall: str | None, tool: str = "RoB2") -> RobRow:
    judged = dict.fromkeys(ROB2_DOMAINS, "some_concerns") | {ROB2_DOMAINS[1]: "low"}
    return RobRow(study, tool, judged, overall, None, "data.csv, rows 1-3")


def test_the_assessors_overall_rob2_judgement_is_kept(store: Store, tmp_path: Path) -> None:
    csv = CSV.replace("hope,Herth Hope Index,TAU", "recovery,RAS (total score),WL")
    dataset = replace(_dataset(tmp_path, csv, DEMO),
                      rob=(_rob("Smith 2019", "high"), _rob("Jones 2020", None)))  # fmt: skip
    done = load_dataset(store, DEMO, dataset, "R1", add_studies=True, consensus=True)
    assert (done.rob_stored, done.kind) == (11, "consensus")  # 2 x 5 domains + 1 overall
    found = {a.study: a for a in rob_assessments(store, DEMO)}
    # four domains with some concerns: RoB 2's rule gives some concerns; the assessors said high
    assert (found["Smith 2019"].overall, found["Smith 2019"].rule_overall) == (
        "high",
        "some_concerns",
    )
    assert (found["Jones 2020"].overall, found["Jones 2020"].rule_overall) == (
        "some_concerns",
        None,
    )
    assert found["Smith 2019"].assessment(DEMO).overall == "high"
    again = load_dataset(store, DEMO, dataset, "R1", consensus=True)
    assert (again.rob_stored, again.rob_unchanged) == (0, 11)


def test_judgements_of_another_tool_are_refused(store: Store, tmp_path: Path) -> None:
    dataset = replace(_dataset(tmp_path), rob=(_rob("Smith 2019", "high"),))
    with pytest.raises(InputError, match=r"judged with RoB2, but the protocol's tool is RoB1"):
        load_dataset(store, SEED, dataset, "R1", add_studies=True)
    assert _count(store, Study) == 0


def _flow(screened: int) -> OtherSourceCounts:
    counts = counts_from_dict({
        "records_databases": 40, "records_databases_by_source": {"MEDLINE": 40},
        "records_screened": 40, "records_excluded": 40 - screened, "reports_sought": screened,
        "reports_assessed": screened, "reports_excluded": screened - 2,
        "reports_excluded_by_reason": {"Not randomised": screened - 2},
        "reports_included": 2, "studies_included": 2,
    })  # fmt: skip
    return OtherSourceCounts("Earlier search (Covidence)", counts, "exported 2024-01-05")


def test_counts_from_another_source_are_recorded_once_and_replaced_by_new_ones(
    store: Store, tmp_path: Path
) -> None:
    dataset = replace(_dataset(tmp_path), counts=_flow(5))
    assert load_dataset(store, SEED, dataset, "R1", add_studies=True).counts_stored is True
    assert load_dataset(store, SEED, dataset, "R1").counts_stored is False
    assert _count(store, PrismaOtherSource) == 1
    flow = prisma_counts(store, protocol=SEED)
    assert (flow.records_databases, flow.reports_assessed, flow.studies_included) == (40, 5, 2)
    assert flow.other_sources == ("Earlier search (Covidence) (exported 2024-01-05)",)
    assert load_dataset(store, SEED, replace(dataset, counts=_flow(7)), "R1").counts_stored
    flow = prisma_counts(store, protocol=SEED)
    assert (flow.reports_assessed, dict(flow.reports_excluded_by_reason)) == (
        7,
        {"Not randomised": 5},
    )
