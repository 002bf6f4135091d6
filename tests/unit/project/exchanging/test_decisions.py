"""Screening decisions to and from ASReview and Rayyan (``sysreview references
import-decisions`` / ``export-decisions``), on SQLite and PostgreSQL: every decision goes
through the screening service's checks; a wrong reviewer, an unassigned record, a row
matching no record and a stale file are refused with exit 2 and nothing stored."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.io.screening_formats import read_decisions
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.decisions import record_decision
from sysreview.project.storage import DecisionEvent, open_store
from tests.conftest import shared_path

runner = CliRunner()
TITLES = ("Dual screened trial", "Peer support groups and recovery", "A third trial", "Fourth")
RIS = "".join(
    f"TY  - JOUR\nTI  - {t}\nPY  - 2020\nDO  - 10.1/{i}\nER  -\n" for i, t in enumerate(TITLES)
)


@pytest.fixture
def folder(tmp_path: Path, store_url: str) -> Path:
    out = tmp_path / "p"
    init_project(out, "group-peer-support", store_url)
    (out / "s.ris").write_text(RIS, encoding="utf-8")
    import_files(out, [out / "s.ris"], source="MEDLINE", db_url=store_url)
    return out


def events(url: str) -> list[tuple[int, str, str]]:
    with open_store(url) as store, store.session(readonly=True) as session:
        rows = session.scalars(select(DecisionEvent).order_by(DecisionEvent.id)).all()
        return [(e.record_id, e.decision, e.source or "") for e in rows]


def rayyan(path: Path, decisions: dict[str, dict[str, str]], titles: tuple[str, ...] = TITLES,
           reason: str | None = None) -> Path:  # fmt: skip
    """A Rayyan RIS export: ``decisions`` by title, then collaborator."""
    parts = []
    for t in titles:
        pairs = ", ".join(f'"{n}"=>"{d}"' for n, d in decisions.get(t, {}).items())
        note = f"RAYYAN-INCLUSION: {{{pairs}}}" if pairs else "no decision"
        if reason:
            note += f" | RAYYAN-EXCLUSION-REASONS: {reason}"
        parts.append(f"TY  - JOUR\nTI  - {t}\nN1  - {note}\nER  - \n")
    path.write_text("".join(parts), encoding="utf-8")
    return path


def run(folder: Path, url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["references", *args, "-p", str(folder), "--db", url])
    return result.exit_code, result.output


def test_rayyan_decisions_go_in_once(folder: Path, store_url: str, tmp_path: Path) -> None:
    file = rayyan(tmp_path / "r.ris", {TITLES[1]: {"Ann": "Excluded", "Bob": "Included"},
                                       TITLES[2]: {"Ann": "Included"}})  # fmt: skip
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "rayyan",
                    "--reviewer", "R1")  # fmt: skip
    assert code == 2 and "say whose with --name" in out and events(store_url) == []
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "rayyan",
                    "--reviewer", "R1", "--name", "Ann")  # fmt: skip
    assert code == 0, out
    assert events(store_url) == [(2, "exclude", "rayyan:r.ris"), (3, "include", "rayyan:r.ris")]
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "rayyan",
                    "--reviewer", "R1", "--name", "Ann")  # fmt: skip
    assert code == 0, out
    assert len(events(store_url)) == 2  # the same file again adds nothing


@pytest.mark.parametrize(
    ("reviewer", "decisions", "message"),
    [
        ("R9", {TITLES[1]: {"Ann": "Included"}}, "R9"),
        # R2 screens only the dual-screened first 10% (record 1) at title/abstract
        ("R2", {TITLES[0]: {"Ann": "Included"}, TITLES[2]: {"Ann": "Included"}},
         "record 3 is not assigned to R2 at ta"),
    ],
)  # fmt: skip
def test_wrong_reviewer_or_unassigned_record_stores_nothing(
    folder: Path, store_url: str, tmp_path: Path, reviewer: str, decisions: dict, message: str
) -> None:
    file = rayyan(tmp_path / "r.ris", decisions)
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "rayyan",
                    "--reviewer", reviewer)  # fmt: skip
    assert code == 2, out
    assert message in out
    assert "Traceback" not in out
    assert events(store_url) == []


def test_unmatched_row_names_the_record_and_stores_nothing(
    folder: Path, store_url: str, tmp_path: Path
) -> None:
    file = rayyan(tmp_path / "r.ris", {TITLES[1]: {"Ann": "Included"}, "Elsewhere": {"Ann":
                  "Included"}}, titles=(TITLES[1], "Elsewhere"))  # fmt: skip
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "rayyan",
                    "--reviewer", "R1")  # fmt: skip
    assert code == 2
    assert "r.ris, record 2: no record of this project matches" in out
    assert events(store_url) == []


def test_stale_file_refused_unless_forced(folder: Path, store_url: str, tmp_path: Path) -> None:
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1",
                        decision="include")  # fmt: skip
    file = rayyan(tmp_path / "r.ris", {TITLES[1]: {"Ann": "Excluded"},
                                       TITLES[2]: {"Ann": "Included"}})  # fmt: skip
    args = ("import-decisions", str(file), "--from", "rayyan", "--reviewer", "R1")
    code, out = run(folder, store_url, *args)
    assert code == 2
    assert "record 2" in out and "include" in out
    assert "r.ris, record 2, column 'decision': record 2: the sheet says exclude" in out
    assert "row 0" not in out  # the file's own locator, not a spreadsheet row
    assert len(events(store_url)) == 1
    code, out = run(folder, store_url, *args, "--force")
    assert code == 0, out
    assert [e[:2] for e in events(store_url)] == [(2, "include"), (2, "exclude"), (3, "include")]


def test_full_text_exclusion_needs_a_protocol_reason(
    folder: Path, store_url: str, tmp_path: Path
) -> None:
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=2, reviewer="R1",
                        decision="include")  # fmt: skip
    bad = rayyan(tmp_path / "bad.ris", {TITLES[1]: {"Ann": "Excluded"}}, reason="boring")
    args = ("--from", "rayyan", "--reviewer", "R1", "--stage", "ft")
    code, out = run(folder, store_url, "import-decisions", str(bad), *args)
    assert code == 2 and "bad.ris, record 2" in out
    assert len(events(store_url)) == 1
    good = rayyan(tmp_path / "good.ris", {TITLES[1]: {"Ann": "Excluded"}},
                  reason="Participants not eligible")  # fmt: skip
    code, out = run(folder, store_url, "import-decisions", str(good), *args)
    assert code == 0, out
    assert events(store_url)[-1][:2] == (2, "exclude")


def test_asreview_round_trip(folder: Path, store_url: str, tmp_path: Path) -> None:
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        for rid, what in ((2, "include"), (3, "exclude")):
            record_decision(store, protocol, stage="ta", record_id=rid, reviewer="R1",
                            decision=what)  # fmt: skip
    out = tmp_path / "asreview.csv"
    code, text = run(folder, store_url, "export-decisions", str(out), "--to", "asreview",
                     "--reviewer", "R1")  # fmt: skip
    assert code == 0, text
    text = out.read_text("utf-8")
    rows = {r["title"]: r["included"] for r in csv.DictReader(text.splitlines())}
    assert rows == {TITLES[0]: "", TITLES[1]: "1", TITLES[2]: "0", TITLES[3]: ""}
    before = events(store_url)
    args = ("import-decisions", str(out), "--from", "asreview", "--reviewer", "R1")
    code, said = run(folder, store_url, *args)  # read back: the same decisions, nothing new
    assert code == 0, said
    assert events(store_url) == before
    assert "unchanged (2 title/abstract decisions of R1 as stored)" in said
    flipped = text.replace(",0\n", ",1\n")  # record 3 flipped
    assert flipped != text
    out.write_text(flipped, encoding="utf-8")
    code, said = run(folder, store_url, *args)
    assert code == 2 and "record 3" in said
    assert events(store_url) == before


def test_rayyan_export_reads_back(folder: Path, store_url: str, tmp_path: Path) -> None:
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="maybe")
        record_decision(store, protocol, stage="ta", record_id=1, reviewer="R2",
                        decision="exclude")  # fmt: skip
    out = tmp_path / "rayyan.ris"
    code, text = run(folder, store_url, "export-decisions", str(out), "--to", "rayyan")
    assert code == 0, text
    (back,) = read_decisions(out.read_text("utf-8"), "rayyan", source="rayyan.ris")
    assert dict(back.decisions) == {"R1": "maybe", "R2": "exclude"}
    assert back.key == "1" and back.title == TITLES[0]


def test_asreview_ris_labels_of_asreview_itself() -> None:
    """ASReview's own test export: relevant, irrelevant and not-seen notes."""
    path = shared_path("fixtures", "exports", "baseline_tag-notes_labels.ris")
    found = read_decisions(path.read_text("utf-8"), "asreview", source=path.name)
    labels = [d.decisions[""] for d in found]
    assert labels[:2] == ["include", "exclude"]
    assert "ASReview_not_seen" in path.read_text("utf-8")
    assert len(found) < path.read_text("utf-8").count("TY  - ")


def test_covidence_lists_come_in_with_the_list_decision(
    folder: Path, store_url: str, tmp_path: Path
) -> None:
    """A Covidence list export (CSV: its 'Covidence #', 'Title', 'DOI', 'Notes' columns):
    the list says the decision; records match by DOI; a full-text exclusion takes its
    reason from the note, checked against the protocol's reasons."""
    irrelevant = tmp_path / "irrelevant.csv"
    irrelevant.write_text(
        '"Title","Authors","DOI","Covidence #","Notes","Tags"\n'
        f'"{TITLES[1].upper()}","Doe, J","10.1/1","#17","",""\n',
        encoding="utf-8",
    )
    args = ("--from", "covidence", "--reviewer", "R1")
    code, out = run(folder, store_url, "import-decisions", str(irrelevant), *args)
    assert code == 2 and "say its decision" in out and events(store_url) == []
    code, out = run(folder, store_url, "import-decisions", str(irrelevant), *args,
                    "--list-decision", "exclude")  # fmt: skip
    assert code == 0, out
    assert events(store_url) == [(2, "exclude", "covidence:irrelevant.csv")]
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        record_decision(store, protocol, stage="ta", record_id=3, reviewer="R1",
                        decision="include")  # fmt: skip
    excluded = tmp_path / "excluded.csv"
    excluded.write_text(
        '"Title","DOI","Covidence #","Notes"\n'
        f'"{TITLES[2]}","10.1/2","#18","Exclusion reason: Participants not eligible;"\n',
        encoding="utf-8",
    )
    code, out = run(folder, store_url, "import-decisions", str(excluded), *args,
                    "--stage", "ft", "--list-decision", "exclude")  # fmt: skip
    assert code == 0, out
    assert events(store_url)[-1][:2] == (3, "exclude")


def test_two_rows_of_one_record_are_refused(folder: Path, store_url: str, tmp_path: Path) -> None:
    file = tmp_path / "a.csv"
    file.write_text(
        f'record_id,title,doi,included\n2,"{TITLES[1]}",,1\n9,"Other title",10.1/1,0\n',
        encoding="utf-8",
    )
    code, out = run(folder, store_url, "import-decisions", str(file), "--from", "asreview",
                    "--reviewer", "R1")  # fmt: skip
    assert code == 2
    assert "a.csv, row 3: the same record as a.csv, row 2 (record 2)" in out
    assert events(store_url) == []


def test_covidence_lists_round_trip(folder: Path, store_url: str, tmp_path: Path) -> None:
    """``export-decisions --to covidence`` writes one RIS per Covidence list (settled
    decisions); each file imported back with its list's decision changes nothing: the same
    decisions, and at full text the same exclusion reasons."""
    protocol = load_project(folder, store_url).protocol
    with open_store(store_url) as store:
        for rid, what in ((2, "include"), (3, "exclude"), (4, "maybe")):
            record_decision(store, protocol, stage="ta", record_id=rid, reviewer="R1",
                            decision=what)  # fmt: skip
    out = tmp_path / "covidence-ta"
    code, said = run(folder, store_url, "export-decisions", str(out), "--to", "covidence")
    assert code == 0, said
    assert "full-text-review.ris: 1 records; import into 'Full text review'" in said
    assert "irrelevant.ris: 1 records; import into 'Irrelevant'" in said
    assert sorted(p.name for p in out.iterdir()) == [
        "full-text-review-maybe.ris", "full-text-review.ris", "irrelevant.ris", "screen.ris"
    ]  # fmt: skip
    before = events(store_url)
    for name, listed in (("full-text-review.ris", "include"), ("irrelevant.ris", "exclude"),
                         ("full-text-review-maybe.ris", "maybe")):  # fmt: skip
        code, said = run(folder, store_url, "import-decisions", str(out / name), "--from",
                         "covidence", "--reviewer", "R1", "--list-decision", listed)  # fmt: skip
        assert code == 0 and "unchanged" in said, said
    assert events(store_url) == before
    with open_store(store_url) as store:
        for rid, who, what, reason in (
            (2, "R1", "include", None),
            (4, "R1", "exclude", "Participants not eligible"),
            (2, "R2", "include", None),  # the second reviewer screens every inclusion ...
            (4, "R2", "exclude", "Participants not eligible"),  # ... and this exclusion
        ):
            record_decision(store, protocol, stage="ft", record_id=rid, reviewer=who,
                            decision=what, reason=reason)  # fmt: skip
    out = tmp_path / "covidence-ft"
    code, said = run(folder, store_url, "export-decisions", str(out), "--to", "covidence",
                     "--stage", "ft")  # fmt: skip
    assert code == 0, said
    (excluded,) = read_decisions((out / "excluded.ris").read_text("utf-8"), "covidence",
                                 source="excluded.ris", listed="exclude")  # fmt: skip
    assert (excluded.title, excluded.reason) == (TITLES[3], "Participants not eligible")
    (included,) = read_decisions((out / "included.ris").read_text("utf-8"), "covidence",
                                 source="included.ris", listed="include")  # fmt: skip
    assert included.title == TITLES[1]
    before = events(store_url)
    for name, listed in (("included.ris", "include"), ("excluded.ris", "exclude")):
        code, said = run(folder, store_url, "import-decisions", str(out / name), "--from",
                         "covidence", "--reviewer", "R1", "--stage", "ft",
                         "--list-decision", listed)  # fmt: skip
        assert code == 0 and "unchanged" in said, said
    assert events(store_url) == before
    code, said = run(folder, store_url, "export-decisions", str(out), "--to", "covidence",
                     "--reviewer", "R1")  # fmt: skip
    assert code == 2 and "settled decisions" in said
