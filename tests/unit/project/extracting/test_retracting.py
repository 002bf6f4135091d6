"""Retracting an extracted value, outcome numbers or a risk-of-bias judgement: a new
event; the key has no value of that reviewer afterwards; the audit trail keeps both.
On SQLite and PostgreSQL (``store`` fixture), through the services and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError, StateConflictError
from sysreview.project.appraising.assessments import (
    load_rob_sheet,
    rob_assessments,
    write_rob_template,
)
from sysreview.project.audit.trail import audit_trail
from sysreview.project.extracting.retracting import (
    retract_judgement,
    retract_outcome,
    retract_value,
)
from sysreview.project.extracting.values import add_values, review_data
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import OutcomeData, RobJudgement, Store, open_store
from tests.unit.project.extracting.test_values import PROTOCOL, full_rows


def test_a_value_and_numbers_can_be_taken_back(store: Store) -> None:
    add_study(store, "Smith 2019")
    add_values(store, PROTOCOL, "R1", **full_rows())
    assert review_data(store, PROTOCOL).studies[0].attributes["country"] == "UK"
    done = retract_value(store, PROTOCOL, reviewer="R1", study="Smith 2019", field="country")
    assert done.summary().startswith("Smith 2019: country: R1's value (UK) retracted")
    assert "country" not in review_data(store, PROTOCOL).studies[0].attributes
    with pytest.raises(StateConflictError, match="no current value to retract"):
        retract_value(store, PROTOCOL, reviewer="R1", study="Smith 2019", field="country")
    before = len(review_data(store, PROTOCOL).outcomes)
    retract_outcome(store, PROTOCOL, reviewer="R1", study="Smith 2019", arm="usual",
                    measure="Herth Hope Index", weeks=26)  # fmt: skip
    assert len(review_data(store, PROTOCOL).outcomes) == before - 1
    with store.session() as session:  # nothing deleted: one more event
        assert session.scalar(select(func.count()).select_from(OutcomeData)) == 4
    # entering it again brings it back
    add_values(store, PROTOCOL, "R1", outcomes=full_rows()["outcomes"])
    assert len(review_data(store, PROTOCOL).outcomes) == before
    whats = [row.what for row in audit_trail(store, reviewer="R1").rows]
    assert "retract value" in whats and "retract outcome" in whats


def test_unknown_things_are_refused(store: Store) -> None:
    add_study(store, "Smith 2019")
    with pytest.raises(InputError, match="unknown study 'Smyth 2019'"):
        retract_value(store, PROTOCOL, reviewer="R1", study="Smyth 2019", field="country")
    with pytest.raises(InputError, match="has no arm 'peers'"):
        retract_value(store, PROTOCOL, reviewer="R1", study="Smith 2019", field="n", arm="peers")
    with pytest.raises(InputError, match="'R9' is not an extractor or arbiter"):
        retract_value(store, PROTOCOL, reviewer="R9", study="Smith 2019", field="country")


def test_a_judgement_can_be_taken_back_through_the_cli(tmp_path: Path, store_url: str) -> None:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        add_study(store, "Smith 2019")
        sheet = tmp_path / "rob.csv"
        write_rob_template(store, protocol, sheet, reviewer="R1")
        lines = sheet.read_text(encoding="utf-8").splitlines()
        filled = [line if line.startswith(("#", "study,")) else
                  line.replace("Smith 2019,", "Smith 2019,", 1).split(",")[0:2]
                  for line in lines]  # fmt: skip
        rows = [",".join([*cells, "low", "as reported", "p 3", ""]) if isinstance(cells, list)
                else cells for cells in filled]  # fmt: skip
        sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
        load_rob_sheet(store, protocol, sheet, reviewer="R1")
        assert [s.study for s in rob_assessments(store, protocol)] == ["Smith 2019"]
    common = ["-p", str(project), "--db", store_url]
    retract = ["rob", "retract", "--study", "Smith 2019", "--domain", "allocation_concealment",
               "--reviewer", "R1", *common]  # fmt: skip
    result = CliRunner().invoke(app, retract)
    assert result.exit_code == 0, result.stderr
    assert "Smith 2019: allocation_concealment: R1's value (low) retracted" in result.stdout
    with open_store(store_url) as store:
        assert rob_assessments(store, protocol) == ()  # no longer fully judged
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(RobJudgement)) == 8
        with pytest.raises(StateConflictError, match="no current judgement"):
            retract_judgement(store, protocol, reviewer="R1", study="Smith 2019",
                              domain="allocation_concealment")  # fmt: skip
    again = CliRunner().invoke(app, retract)
    assert again.exit_code == 2 and "no current judgement to retract" in again.stderr
    bad = CliRunner().invoke(app, ["extract", "retract", "--study", "Smith 2019",
                                   "--reviewer", "R1", *common])  # fmt: skip
    assert bad.exit_code == 2 and "give either --field" in bad.stderr
