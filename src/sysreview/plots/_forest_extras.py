"""Forest plot extras: study labels with citations, footnote letters, risk-of-bias columns.

- :func:`relabel` prints each study under the label the report cites it by (``Cook 2012a
  [3]``) followed by superscript footnote letters, one letter per distinct note (a value
  converted or imputed, arms combined); the notes are listed under the plot.
- :class:`RobColumns` and :func:`draw_rob`: the risk-of-bias judgements beside the plot,
  as RevMan 5.3 draws them (a column per domain, A, B, C ... for RoB 1 or D1 ... D5 and
  Overall for RoB 2; a green "+" for low risk, a yellow "?" for unclear risk or some
  concerns, a red "−" for high risk; a legend naming the domains under the plot).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from matplotlib.axes import Axes
from matplotlib.patches import Circle

from sysreview.errors import InputError
from sysreview.plots._forest_text import Layout
from sysreview.plots._text import FONT

SUPERSCRIPT: Final = dict(
    zip("abcdefghijklmnoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True)
)
"""Superscript letters (DejaVu Sans has them all; there is no superscript q)."""
LETTERS: Final = tuple(SUPERSCRIPT)
JUDGEMENT_MARKS: Final = MappingProxyType(
    {
        "low": ("+", "#3FAE49"),
        "unclear": ("?", "#F2D024"),
        "some_concerns": ("?", "#F2D024"),
        "high": ("−", "#E03A3E"),
    }
)
"""Judgement → (symbol, fill), as RevMan draws them."""


@dataclass(frozen=True)
class RobColumns:
    """Risk-of-bias judgements to draw beside a forest plot.

    ``domains`` are ``(code, name)`` pairs in column order (``("A", "Random sequence
    generation (selection bias)")``); ``judgements`` map a study (its label in the
    analysis) to ``{code: judgement}`` (``low``, ``unclear``, ``some_concerns``, ``high``);
    a study or domain without a judgement is left blank.
    """

    domains: tuple[tuple[str, str], ...]
    judgements: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.domains:
            raise InputError("risk-of-bias columns need at least one domain")
        codes = {c for c, _ in self.domains}
        for study, marks in self.judgements.items():
            for code, judgement in marks.items():
                if code not in codes:
                    raise InputError(f"risk of bias of {study!r}: no domain {code!r} to draw")
                if judgement not in JUDGEMENT_MARKS:
                    allowed = ", ".join(JUDGEMENT_MARKS)
                    raise InputError(
                        f"risk of bias of {study!r}, {code}: {judgement!r}; must be one of "
                        f"{allowed}"
                    )
        frozen = {s: MappingProxyType(dict(m)) for s, m in self.judgements.items()}
        object.__setattr__(self, "judgements", MappingProxyType(frozen))

    def legend(self) -> list[str]:
        """The legend lines under the plot."""
        return ["Risk of bias legend"] + [f"({code}) {name}" for code, name in self.domains]


def note_letters(
    notes: Mapping[str, Sequence[str]] | None,
) -> tuple[dict[str, list[str]], list[str]]:
    """The footnote letters per study and the footnote lines.

    ``({study: letters}, footnote lines)``: one letter per distinct note text, in the
    order first met.
    """
    letters: dict[str, str] = {}
    marks: dict[str, list[str]] = {}
    for study, texts in (notes or {}).items():
        for text in texts:
            if text not in letters:
                if len(letters) >= len(LETTERS):
                    raise InputError(f"more than {len(LETTERS)} distinct footnotes to letter")
                letters[text] = LETTERS[len(letters)]
            marks.setdefault(study, [])
            if letters[text] not in marks[study]:
                marks[study].append(letters[text])
    lines = [f"({letter}) {text}" for text, letter in letters.items()]
    return marks, lines


def relabel(
    layout: Layout,
    labels: Mapping[str, str] | None,
    marks: Mapping[str, Sequence[str]],
) -> Layout:
    """The layout with each study row's label replaced and its footnote letters appended.

    The new labels come from ``labels``; the letters are appended as superscripts.
    """
    if not labels and not marks:
        return layout
    rows = []
    for row in layout.rows:
        if row.kind != "study":
            rows.append(row)
            continue
        study = row.cells["study"]
        text = (labels or {}).get(study, study)
        letters = "".join(SUPERSCRIPT[m] for m in marks.get(study, ()))
        cells = dict(row.cells)
        cells["study"] = f"{text} {letters}" if letters else text
        rows.append(dataclasses.replace(row, cells=MappingProxyType(cells)))
    return dataclasses.replace(layout, rows=tuple(rows))


def draw_rob(
    ax: Axes,
    layout: Layout,
    rob: RobColumns,
    left: float,
    column: float,
    top: float,
    row_h: float,
    size: float,
    studies: Sequence[str],
) -> None:
    """Draw the header and one circle per study and domain, starting at ``left`` (inches).

    ``studies`` are the analysis's study labels, in the order of the layout's study rows.
    """
    kw = {"fontsize": size, "family": FONT, "ha": "center", "va": "center", "parse_math": False}
    width = column * len(rob.domains)
    ax.text(left + width / 2, top + 0.5 * row_h, "Risk of Bias", fontweight="bold",
            gid="rob:header", **kw)  # type: ignore[arg-type]  # fmt: skip
    for j, (code, _) in enumerate(rob.domains):
        x = left + (j + 0.5) * column
        ax.text(x, top + 1.5 * row_h, code, fontweight="bold", gid=f"rob:code:{code}", **kw)  # type: ignore[arg-type]
    it = iter(studies)
    for i, row in enumerate(layout.rows):
        if row.kind != "study":
            continue
        study = next(it)
        marks = rob.judgements.get(study, {})
        y = top + (i + 0.5) * row_h
        for j, (code, _) in enumerate(rob.domains):
            judgement = marks.get(code)
            if judgement is None:
                continue
            symbol, fill = JUDGEMENT_MARKS[judgement]
            x = left + (j + 0.5) * column
            radius = min(column, row_h) * 0.42
            ax.add_patch(Circle((x, y), radius, facecolor=fill, edgecolor="black", lw=0.4,
                                gid=f"rob:{study}:{code}:{judgement}"))  # fmt: skip
            ax.text(x, y, symbol, fontweight="bold", **kw)  # type: ignore[arg-type]


__all__ = ["JUDGEMENT_MARKS", "RobColumns", "draw_rob", "note_letters", "relabel"]
