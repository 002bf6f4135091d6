"""Reference cases from R metafor, pinned as JSON in ``tests/reference/metafor/``.

Provenance: R 4.2.2 Patched (2022-11-10 r83330) with metafor 3.8-1 and metadat,
both from Debian. ``validation/metafor_reference.R`` wrote the files (see
``validation/README.md``), and each file's ``provenance`` block repeats this.
Every case stores the R code that produced it: ``setup`` builds ``dat`` and
``call`` fits the model; both strings were run verbatim with
``eval(parse(text=...))``. Doubles are written with round-trip precision, so a
value here is the exact double metafor returned. The tests never need R.

A case is ``{name, dataset, setup, call, input, args, expected}``. ``expected``
uses metafor's names in snake_case, and ``null`` (read as NaN here) marks a value
metafor does not return.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import ArrayLike

METAFOR_DIR = Path(__file__).resolve().parent / "metafor"


@dataclass(frozen=True)
class Case:
    """One metafor reference case."""

    name: str
    dataset: str
    setup: str
    call: str
    input: dict[str, Any]
    args: dict[str, Any]
    expected: dict[str, Any]

    @property
    def r_code(self) -> str:
        """The R code behind the expected values, for assertion messages."""
        return f"{self.setup}\n{self.call}"


def load(filename: str) -> list[Case]:
    """Every case of one reference file, in file order."""
    doc = json.loads((METAFOR_DIR / filename).read_text(encoding="utf-8"))
    return [Case(**case) for case in doc["cases"]]


def params(filename: str, skip: Callable[[Case], str | None] | None = None) -> list[Any]:
    """Cases as ``pytest.param`` objects with ``id`` set to the case name.

    ``skip`` returns the reason a case cannot be compared (an option sysreview does
    not offer), or ``None``. Such cases are reported as skipped, not silently dropped.
    """
    out = []
    for case in load(filename):
        reason = skip(case) if skip is not None else None
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


def as_array(values: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A JSON number or list (or an array) as a float array, ``null`` read as NaN."""
    items = np.atleast_1d(np.asarray(values, dtype=object))
    return np.array([np.nan if v is None else v for v in items], dtype=float)


def assert_close(
    case: Case, quantity: str, ours: ArrayLike, expected: Any, *, rel: float, abs_tol: float
) -> None:
    """Assert ``ours`` matches metafor's ``expected`` elementwise.

    A value passes when ``|ours - R| <= max(rel * |R|, abs_tol)``, or when both are
    NaN (metafor's ``null``). The failure message gives the R code.
    """
    want = as_array(expected)
    got = np.atleast_1d(np.asarray(ours, dtype=float))
    assert got.shape == want.shape, (
        f"{case.name}: {quantity} has {got.size} values, metafor {want.size}\n{case.r_code}"
    )
    both_nan = np.isnan(got) & np.isnan(want)
    with np.errstate(invalid="ignore"):
        ok = both_nan | (np.abs(got - want) <= np.maximum(rel * np.abs(want), abs_tol))
    if not ok.all():
        idx = np.flatnonzero(~ok)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev = np.abs(got[idx] - want[idx]) / np.abs(want[idx])
        raise AssertionError(
            f"{case.name}: {quantity} differs from metafor at {idx.tolist()}: "
            f"ours {got[idx].tolist()}, R {want[idx].tolist()}, "
            f"relative deviation {dev.tolist()} (rel tol {rel:g})\n{case.r_code}"
        )
