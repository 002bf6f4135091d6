"""Fuzzing the data adapters (``sysreview.io``): the demo's Metapsy file, its mapping and
search flow, a metafor-named CSV, an outcome mapping and a PRISMA counts file, mutated.
Each is read or refused with an InputError naming a file; never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from sysreview.errors import InputError
from sysreview.io import read_dataset
from sysreview.project.opening import validate_protocol
from tests.conftest import PROJECT_ROOT
from tests.fuzz.strategies import FUZZ, NASTY, mutated
from tests.unit.io.helpers import project

DEMO = PROJECT_ROOT / "examples" / "group-peer-support"
PROTOCOL = validate_protocol(DEMO)
TOKENS = (
    *NASTY,
    b"NA",
    b",5",
    b"-1",
    b"1e999",
    b"nan",
    b'"";',
    b"\n[[outcomes]]\n",
    b" = ",
    b"[selection]\n",
    b'"Group"',
    b"{",
    b"}",
    b"[",
    b"]",
)
CSV = (
    b"slab,m1i,sd1i,n1i,m2i,sd2i,n2i,ai,ci,domain,measure,comparator,outcome\n"
    b"A 2020,5,1,20,4,1,21,,,domain_1,M,TAU,QoL\nB 2021,,,30,,,30,3,4,domain_1,E,TAU,QoL\n"
)
OUTCOMES = (
    b'comparator = "TAU"\nweeks_after_end = 0\n\n[[outcomes]]\noutcome = "QoL"\n'
    b'domain = "domain_1"\nmeasure = "M"\n'
)
COUNTS = (
    b'source = "Earlier search"\n\n[counts]\nrecords_databases = 10\nrecords_screened = 10\n'
    b"records_excluded = 8\nreports_sought = 2\nreports_assessed = 2\n"
    b"reports_included = 2\nstudies_included = 2\n"
    b"[counts.records_databases_by_source]\nMEDLINE = 10\n"
)


def _read_or_refused(path: Path, *, folder: Path, **options: object) -> None:
    """Read, or refused naming a file of ``folder`` (a mutated mapping may name others)."""
    try:
        read_dataset(path, options.pop("protocol", PROTOCOL), **options)  # type: ignore[arg-type]
        event("read")
    except InputError as exc:
        event("refused")
        assert exc.source is not None and exc.source.startswith(str(folder)), str(exc)


@FUZZ
@given(data=st.data())
def test_mutated_metapsy_files(data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["data", "mapping", "flow", "references"]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        files = {
            "data": folder / "data" / "metapsy-peer-support.csv",
            "mapping": folder / "mapping.toml",
            "flow": folder / "data" / "search_flow.json",
            "references": folder / "data" / "references.json",
        }
        for name, path in files.items():
            original = (DEMO / path.relative_to(folder)).read_bytes()
            path.write_bytes(data.draw(mutated(original, TOKENS)) if name == which else original)
        _read_or_refused(files["data"], folder=folder, format="metapsy", mapping=files["mapping"])


@FUZZ
@given(data=st.data())
def test_mutated_csv_mapping_and_counts(data: st.DataObject) -> None:
    which = data.draw(st.sampled_from(["csv", "mapping", "counts"]))
    with tempfile.TemporaryDirectory() as tmp:
        folder = project(Path(tmp) / "p")
        protocol = validate_protocol(folder)
        csv, mapping, counts = folder / "d.csv", folder / "m.toml", folder / "counts.toml"
        for path, text, name in (
            (csv, CSV, "csv"),
            (mapping, OUTCOMES, "mapping"),
            (counts, COUNTS, "counts"),
        ):
            path.write_bytes(data.draw(mutated(text, TOKENS)) if name == which else text)
        if which == "counts":
            _read_or_refused(counts, folder=folder, protocol=protocol)
        else:
            _read_or_refused(
                csv, folder=folder, protocol=protocol, mapping=mapping, format="metafor-csv"
            )
