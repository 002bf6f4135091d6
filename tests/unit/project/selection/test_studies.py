"""Studies are made only by linking an included report or by ``sysreview study add``."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sysreview
from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.project.opening import init_project
from sysreview.project.selection.studies import add_study, list_studies
from sysreview.project.storage import Store, StudyReport
from tests.unit.project.factories import add_batch


def test_add_and_list(store: Store) -> None:
    first = add_study(store, "  Cook   2012a ")
    assert (first.label, first.reports) == ("Cook 2012a", ())
    second = add_study(store, "Smith 2019")
    with store.session() as s:
        record = add_batch(s, n=2).records
        s.add(StudyReport(study_id=second.id, record_id=record[1].id, is_primary=True))
        s.add(StudyReport(study_id=second.id, record_id=record[0].id))
    listed = list_studies(store)
    assert [(s.label, s.reports) for s in listed] == [("Cook 2012a", ()), ("Smith 2019", (2, 1))]
    assert listed[1].summary() == f"Smith 2019  (id {second.id}; reports 2, 1)"


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("Cook 2012a", "study 'Cook 2012a' exists already"),
        ("cook  2012A", "study 'Cook 2012a' exists already"),
        ("   ", "a study needs a label"),
        ("x" * 201, "at most 200 characters"),
    ],
)
def test_duplicates_and_empty_labels_are_refused(store: Store, label: str, message: str) -> None:
    add_study(store, "Cook 2012a")
    with pytest.raises(InputError, match=message):
        add_study(store, label)
    assert len(list_studies(store)) == 1


def test_only_two_places_in_the_code_make_a_study() -> None:
    """A ``Study(...)`` is built only by linking a report and by ``study add`` (whose
    session-level half also adds a data file's studies, ``data load --add-studies``)."""
    root = Path(sysreview.__file__).parent
    makers = set()
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for inner in ast.walk(node) if isinstance(node, ast.FunctionDef) else ():
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                        and inner.func.id == "Study"):  # fmt: skip
                    makers.add((path.relative_to(root).as_posix(), node.name))
    assert makers == {("project/selection/study_links.py", "link_report"),
                      ("project/selection/studies.py", "add_study_in")}  # fmt: skip


def test_study_commands(tmp_path: Path) -> None:
    project = tmp_path / "p"
    init_project(project, "blank")
    runner = CliRunner()
    out = runner.invoke(app, ["study", "add", "Cook 2012a", "-p", str(project)])
    assert (out.exit_code, out.stdout) == (0, "study 'Cook 2012a' added (id 1)\n")
    again = runner.invoke(app, ["study", "add", "cook 2012a", "-p", str(project)])
    assert again.exit_code == 2
    assert again.stderr == "sysreview: error: study 'Cook 2012a' exists already (id 1)\n"
    listed = runner.invoke(app, ["study", "list", "--json", "-p", str(project)])
    assert json.loads(listed.stdout) == [{"id": 1, "label": "Cook 2012a", "reports": []}]
    text = runner.invoke(app, ["study", "list", "-p", str(project)])
    assert text.stdout == "Cook 2012a  (id 1; reports none linked)\n"
