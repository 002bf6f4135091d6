"""PRISMA2020 app CSV (``sysreview data export-prisma2020``): the template's rows and
columns, with the project's flow counts (``sysreview prisma``) in ``n``."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.io.prisma2020 import TEMPLATE, prisma2020_csv
from sysreview.prisma import PrismaCounts
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.reporting.service import prisma_flow
from sysreview.project.selection.decisions import record_decision
from sysreview.project.storage import open_store

runner = CliRunner()
RIS = "".join(f"TY  - JOUR\nTI  - Trial {t}\nPY  - 2020\nER  -\n" for t in "ABCD")
REASON = "Participants not eligible"


def test_counts_of_a_screened_project(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    init_project(folder, "group-peer-support")
    (folder / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(folder, [folder / "s.ris"], source="MEDLINE")
    protocol = load_project(folder).protocol
    with open_store(load_project(folder).database_url) as store:
        for rid, what in ((2, "exclude"), (3, "include"), (4, "include")):
            record_decision(store, protocol, stage="ta", record_id=rid, reviewer="R1",
                            decision=what)  # fmt: skip
        record_decision(store, protocol, stage="ft", record_id=4, reviewer="R1",
                        decision="exclude", reason=REASON)  # fmt: skip
    out = tmp_path / "prisma.csv"
    result = runner.invoke(app, ["data", "export-prisma2020", str(out), "-p", str(folder)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text("utf-8").splitlines()))
    assert list(rows[0]) == ["data", "node", "box", "description", "boxtext", "tooltips",
                             "url", "n"]  # fmt: skip
    assert [r["data"] for r in rows] == [t[0] for t in TEMPLATE]
    n = {r["data"]: r["n"] for r in rows if r["data"] != "NA"}
    flow = prisma_flow(folder)
    assert n["database_results"] == str(flow.records_databases) == "4"
    assert n["records_screened"] == str(flow.records_screened)
    assert n["records_excluded"] == str(flow.records_excluded) == "1"
    assert n["dbr_sought_reports"] == str(flow.reports_sought) == "2"
    assert n["dbr_assessed"] == str(flow.reports_assessed)
    assert n["dbr_excluded"] == f"{REASON}, 1"
    assert n["new_studies"] == n["total_studies"] == str(flow.studies_included)
    assert n["new_reports"] == str(flow.reports_included)


def test_reasons_cannot_break_the_list_or_run_as_formulas() -> None:
    counts = PrismaCounts(
        records_databases=3, records_databases_by_source=(("=cmd|' /C calc'!A0", 3),),
        records_registers=0, records_registers_by_source=(), records_other_methods=2,
        records_other_methods_by_source=(("Organisation websites", 1), ("Hand search", 1)),
        duplicates_removed=0, duplicate_groups=0, removed_by_automation=0,
        removed_other_reasons=0, records_screened=5, records_excluded=2,
        awaiting_screening=0, conflicts_screening=0, reports_sought=3,
        reports_not_retrieved=0, reports_assessed=3, reports_excluded=2,
        reports_excluded_by_reason=(("=1+1; wrong, design", 2),), awaiting_full_text=0,
        conflicts_full_text=0, reports_included=1, studies_included=1,
        reports_included_without_study=0,
    )  # fmt: skip
    rows = {r["data"]: r["n"] for r in csv.DictReader(prisma2020_csv(counts).splitlines())}
    assert rows["dbr_excluded"] == "'=1+1 - wrong - design, 2"
    assert (rows["website_results"], rows["organisation_results"], rows["citations_results"]) == (
        "1", "0", "1")  # fmt: skip
    update = dataclasses.replace(counts, previous_studies=4, previous_reports=6)
    rows = {r["data"]: r["n"] for r in csv.DictReader(prisma2020_csv(update).splitlines())}
    assert (rows["previous_studies"], rows["previous_reports"]) == ("4", "6")
    assert (rows["new_studies"], rows["total_studies"], rows["total_reports"]) == ("1", "5", "7")
