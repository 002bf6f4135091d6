"""A data-quality report for Metapsy data: find defects instead of accepting them.

:func:`quality_report` runs a registry of small detectors (:data:`DETECTORS`) over a
:class:`~sysreview.io.metapsy.reader.MetapsyData` and returns a frozen
:class:`QualityReport` of :class:`Problem` records (row, column, kind, message). Kinds:

``mojibake``             UTF-8 text decoded as cp1252 (``RÃ¼sch`` for ``Rüsch``), with the
                         repair the reader made.
``unjoined_reference``   a study label missing from ``references.json``.
``displaced_events``     event counts on a non-dichotomous row, or a dichotomous row without.
``displaced_precalc``    a precalculated g/SE that is not its own row's ``.g`` (and where it
                         belongs, when another row's ``.g`` equals it).
``sign_flipped``         recomputed Hedges' g equals ``-.g`` on a lower-is-better scale (or
                         one of unknown direction): the intended sign alignment.
``sign_suspicious``      the sign alignment disagrees with the scale's direction.
``g_mismatch``           recomputed g differs from ``.g`` beyond tolerance, either sign.
``time_in_months``       ``time_weeks`` equals the time in months read from the text.

The repair itself is :func:`sysreview.text.repair_mojibake` (``ftfy``), which the reader
applies to every text cell (:func:`sysreview.io.metapsy.reader.cell`); the ``mojibake``
problems list the cells it changed, from their raw text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields

import pandas as pd

from sysreview.effects import standardized_mean_difference
from sysreview.io.metapsy.reader import NUMBER_FIELDS, MetapsyData, MetapsyRow
from sysreview.text import repair_mojibake

__all__ = [
    "DETECTORS",
    "SIGN_ATOL",
    "Problem",
    "QualityReport",
    "compare_g",
    "quality_report",
    "scale_direction",
]

#: Default absolute tolerance for recomputed vs stored g. metapsyTools uses the approximate
#: small-sample factor ``J = 1 - 3/(4N - 9)`` whereas metafor's exact ``J`` differs by up to
#: about 2e-5 in this kind of data; some rows' inputs differ from their ``.g`` by 1e-4-3e-4.
SIGN_ATOL = 1e-3


_LOWER_IS_BETTER = re.compile(
    r"ed-qol|depress|epds|ces-d|\bbdi|phq|ham-?d|hscl|symptom|\bbsi\b|psychiatric rating|bprs|"
    r"\bcape\b|\bcgi\b|lonel|ucla|suicid|distress|anxi|epsi|basis-24|scid|psychosis|"
    r"global severity",
    re.IGNORECASE,
)
_HIGHER_IS_BETTER = re.compile(
    r"quality of life|qol|who-?qol|eq-5d|empower|efficacy|recover|\bras\b|hope|esteem|"
    r"well-being|\bgaf\b|function|social (support|provisions|relationships)|manchester|"
    r"\blsp\b|sf-36|personal growth|confidence|support for parenting",
    re.IGNORECASE,
)


def scale_direction(row: MetapsyRow) -> str | None:
    """``"lower"`` or ``"higher"`` (is better) guessed from instrument, then subcategory.

    Examples
    --------
    >>> from sysreview.io.metapsy.reader import MetapsyRow
    >>> scale_direction(MetapsyRow(row=1, line=2, raw={}, instrument="EPDS"))
    'lower'
    >>> scale_direction(MetapsyRow(row=1, line=2, raw={}, instrument="GAF"))
    'higher'

    """
    for text in (row.instrument, row.outcome_subcategory):
        if not text:
            continue
        if _LOWER_IS_BETTER.search(text):
            return "lower"
        if _HIGHER_IS_BETTER.search(text):
            return "higher"
    return None


@dataclass(frozen=True)
class Problem:
    """One defect: where (file row number and column), what kind, and a message."""

    row: int
    column: str
    kind: str
    message: str
    value: str | None = None
    suggestion: str | None = None


@dataclass(frozen=True)
class QualityReport:
    """The problems found in one Metapsy file, in detector then row order."""

    source: str
    n_rows: int
    problems: tuple[Problem, ...]

    def of_kind(self, kind: str) -> tuple[Problem, ...]:
        """The problems of one kind."""
        return tuple(p for p in self.problems if p.kind == kind)

    def counts(self) -> dict[str, int]:
        """Number of problems per kind."""
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per problem: row, column, kind, message, value, suggestion."""
        names = ["row", "column", "kind", "message", "value", "suggestion"]
        return pd.DataFrame([[getattr(p, n) for n in names] for p in self.problems], columns=names)

    def summary(self) -> str:
        """Counts per kind, then one line per problem."""
        head = f"Quality report for {self.source}: {len(self.problems)} problems in "
        head += f"{self.n_rows} rows"
        kinds = [f"  {kind}: {n}" for kind, n in self.counts().items()]
        lines = [f"  row {p.row}, {p.column} [{p.kind}]: {p.message}" for p in self.problems]
        return "\n".join([head, *kinds, *lines])


def _decimals(text: str) -> int:
    text = text.strip().replace(",", ".")
    return len(text.split(".", 1)[1]) if "." in text else 0


def _tolerance(raw: str, atol: float) -> float:
    """``atol``, widened to half a unit in the last stored digit for rounded values."""
    return max(atol, 0.5 * 10.0 ** -_decimals(raw) + 1e-12)


def _mojibake(data: MetapsyData) -> Iterator[Problem]:
    for r in data.rows:
        for column, text in r.raw.items():
            repaired = repair_mojibake(text)
            if repaired != text:
                msg = f"mojibake (UTF-8 read as cp1252): {text!r} -> {repaired!r}"
                yield Problem(r.row, column, "mojibake", msg, text, repaired)


def _references(data: MetapsyData) -> Iterator[Problem]:
    if data.references is None:
        return
    keys = {repair_mojibake(k) for k in data.references}
    for r in data.rows:
        if r.study is None or r.study in keys:
            continue
        msg = f"study {r.study!r} is not in references.json"
        yield Problem(r.row, "study", "unjoined_reference", msg, r.raw.get("study"))


_DICHOTOMOUS = frozenset({"dich", "binary", "response", "remission", "deterioration", "events"})


def _events(data: MetapsyData) -> Iterator[Problem]:
    for r in data.rows:
        dichotomous = (r.outcome_type or "").lower() in _DICHOTOMOUS
        if dichotomous and not r.has_events:
            msg = f"outcome_type {r.outcome_type!r} but no event counts on this row"
            yield Problem(r.row, "event_arm1", "displaced_events", msg)
        elif r.has_events and not dichotomous:
            msg = f"event counts ({r.ai}/{r.n1i_events} vs {r.ci}/{r.n2i_events}) on a row "
            msg += f"whose outcome_type is {r.outcome_type!r}"
            yield Problem(r.row, "event_arm1", "displaced_events", msg, r.raw.get("event_arm1"))


def _close(a: float | None, b: float | None, tol: float) -> bool:
    return a is not None and b is not None and abs(a - b) <= tol


def _precalc(data: MetapsyData, atol: float = 1e-6) -> Iterator[Problem]:
    g_col, se_col = NUMBER_FIELDS["precalc_g"], NUMBER_FIELDS["precalc_g_se"]
    for r in data.rows:
        if r.precalc_g is None:
            continue
        tol = _tolerance(r.raw[g_col], atol)
        se_tol = _tolerance(r.raw.get(se_col, ""), atol)
        if _close(r.precalc_g, r.g, tol) and _close(r.precalc_g_se, r.g_se, se_tol):
            continue
        owners = [
            o.row
            for o in data.rows
            if o is not r
            and _close(r.precalc_g, o.g, tol)
            and _close(r.precalc_g_se, o.g_se, se_tol)
        ]
        where = f"; it is the .g/.g_se of row(s) {owners}" if owners else ""
        msg = f"precalc_g {r.precalc_g} (SE {r.precalc_g_se}) is not this row's .g {r.g}{where}"
        yield Problem(r.row, g_col, "displaced_precalc", msg, r.raw[g_col])


@dataclass(frozen=True)
class _Comparison:
    row: int
    study: str | None
    instrument: str | None
    g_recomputed: float
    g_stored: float
    tolerance: float
    agreement: str
    direction: str | None


def _comparisons(data: MetapsyData, atol: float) -> list[_Comparison]:
    rows = [r for r in data.rows if r.has_means and r.g is not None]
    arms = [[getattr(r, a) for r in rows] for a in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")]
    es = standardized_mean_difference(*arms, convention="metafor")
    out = []
    for r, y in zip(rows, es.yi.tolist(), strict=True):
        stored = float(r.g) if r.g is not None else math.nan
        tol = _tolerance(r.raw.get(".g", ""), atol)
        if abs(y - stored) <= tol:
            agreement = "equal"
        elif abs(y + stored) <= tol:
            agreement = "flipped"
        else:
            agreement = "different"
        direction = scale_direction(r)
        out.append(_Comparison(r.row, r.study, r.instrument, y, stored, tol, agreement, direction))
    return out


def compare_g(data: MetapsyData, *, atol: float = SIGN_ATOL) -> pd.DataFrame:
    """Recompute Hedges' g (metafor's exact ``J``) for complete rows; compare with ``.g``.

    Returns one row per row with both arms' mean, SD and N: ``row, study, instrument,
    g_recomputed, g_stored, tolerance, agreement`` (``"equal"``, ``"flipped"`` or
    ``"different"``) and ``direction`` (:func:`scale_direction`). The tolerance is ``atol``
    widened to half a unit in the last digit of the stored ``.g`` (some are rounded).

    Notes
    -----
    ``g = J (m1 - m2) / s_pooled`` via
    :func:`sysreview.effects.standardized_mean_difference` with ``convention="metafor"``.
    A value of 0 counts as ``"equal"``.
    """
    names = [f.name for f in fields(_Comparison)]
    records = [[getattr(c, n) for n in names] for c in _comparisons(data, atol)]
    return pd.DataFrame(records, columns=names)


def _signs(data: MetapsyData) -> Iterator[Problem]:
    for c in _comparisons(data, SIGN_ATOL):
        recomputed = f"recomputed g {c.g_recomputed:.6f}, stored .g {c.g_stored:.6f}"
        if c.agreement == "different":
            yield Problem(
                c.row, ".g", "g_mismatch", f"{recomputed}: differ beyond ±{c.tolerance:g}"
            )
            continue
        nonzero = abs(c.g_stored) > c.tolerance
        if c.agreement == "flipped" and c.direction != "higher":
            what = "lower-is-better scale" if c.direction == "lower" else "scale direction unknown"
            yield Problem(c.row, ".g", "sign_flipped", f"{recomputed}: sign flipped ({what})")
        elif c.agreement == "flipped":
            msg = f"{recomputed}: sign flipped although the scale looks higher-is-better"
            yield Problem(c.row, ".g", "sign_suspicious", msg)
        elif nonzero and c.direction == "lower":
            msg = f"{recomputed}: not flipped although the scale looks lower-is-better"
            yield Problem(c.row, ".g", "sign_suspicious", msg)


_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(weeks?|wks?|m\w*ths?|years?)\b", re.IGNORECASE)
_WEEKS_PER_MONTH = 52.0 / 12.0


def _months(text: str | None) -> float | None:
    match = _DURATION.search(text or "")
    if match is None:
        return None
    value, unit = float(match.group(1).replace(",", ".")), match.group(2).lower()
    if unit.startswith("w"):
        return value / _WEEKS_PER_MONTH
    return value * 12.0 if unit.startswith("y") else value


def _time_units(data: MetapsyData, months_tol: float = 0.5) -> Iterator[Problem]:
    for r in data.rows:
        months = _months(r.time) if _months(r.time) is not None else _months(r.duration)
        if r.time_weeks is None or months is None:
            continue
        weeks = months * _WEEKS_PER_MONTH
        if abs(r.time_weeks - months) <= months_tol < abs(r.time_weeks - weeks):
            source = r.time if _months(r.time) is not None else r.duration
            msg = f"time_weeks {r.time_weeks:g} matches {source!r} in months ({months:.3g}), "
            msg += f"not in weeks ({weeks:.3g})"
            yield Problem(r.row, "time_weeks", "time_in_months", msg, r.raw.get("time_weeks"))


#: Detectors in report order; each yields :class:`Problem` records.
DETECTORS: dict[str, Callable[[MetapsyData], Iterator[Problem]]] = {
    "mojibake": _mojibake,
    "references": _references,
    "events": _events,
    "precalc": _precalc,
    "signs": _signs,
    "time": _time_units,
}


def quality_report(data: MetapsyData) -> QualityReport:
    r"""Run every detector of :data:`DETECTORS` over ``data``.

    Examples
    --------
    >>> from sysreview.io.metapsy.reader import read_metapsy_text
    >>> text = '"";"study";"instrument"\n"1";"RÃ¼sch, 2014";"GAFâ€”Global"\n'
    >>> report = quality_report(read_metapsy_text(text))
    >>> [(p.row, p.column, p.suggestion) for p in report.problems]
    [(1, 'study', 'Rüsch, 2014'), (1, 'instrument', 'GAF—Global')]

    """
    problems = [p for detect in DETECTORS.values() for p in detect(data)]
    return QualityReport(data.source, len(data.rows), tuple(problems))
