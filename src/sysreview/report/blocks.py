"""The report's building blocks, drawn by HTML, DOCX and PDF.

Paragraphs, numbered tables and figures, per-study panels, reference lists, headed sections
and the whole document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .checklist import ChecklistItem
from .inputs import ReportFigure, ReportInputs
from .references import StudyEntries


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``pre`` keeps line breaks (search strategies)."""

    text: str
    pre: bool = False


@dataclass(frozen=True)
class Table:
    """A numbered table with its caption.

    ``row_notes`` holds, per row, footnote letters shown after the row's cell in column
    ``marked`` (the first column when empty);
    ``notes`` the ``(letter, text)`` they point to, printed under the table. ``wide`` asks
    for a smaller type (many columns). All three are keyword-only.
    """

    label: str
    caption: str
    frame: pd.DataFrame
    note: str = ""
    row_notes: tuple[tuple[str, ...], ...] = field(default=(), kw_only=True)
    marked: str = field(default="", kw_only=True)
    notes: tuple[tuple[str, str], ...] = field(default=(), kw_only=True)
    wide: bool = field(default=False, kw_only=True)

    @property
    def anchor(self) -> str:
        """The HTML id of the table."""
        return self.label.lower().replace(" ", "-")

    def marked_index(self, columns: list[str]) -> int:
        """The index of the column whose cells carry the footnote letters."""
        return columns.index(self.marked) if self.marked in columns else 0

    def letters(self, i: int) -> tuple[str, ...]:
        """The footnote letters of row ``i``."""
        return self.row_notes[i] if i < len(self.row_notes) else ()


@dataclass(frozen=True)
class Figure:
    """A numbered figure: id, caption and files."""

    label: str
    figure_id: str
    figure: ReportFigure

    @property
    def anchor(self) -> str:
        """The HTML id of the figure."""
        return self.label.lower().replace(" ", "-")


@dataclass(frozen=True)
class Panel:
    """A study's characteristics as Cochrane prints them.

    A heading (the study, cited) and rows of ``(field, text)`` (Methods, Participants,
    Interventions, Outcomes, Notes).
    """

    title: str
    rows: tuple[tuple[str, str], ...]
    anchor: str = ""


@dataclass(frozen=True)
class ReferenceList:
    """References grouped per study, each study with its numbered reports."""

    studies: tuple[StudyEntries, ...]


Block = Paragraph | Table | Figure | Panel | ReferenceList


@dataclass(frozen=True)
class Section:
    """A headed section; ``reported`` is False when it only says what is missing."""

    anchor: str
    title: str
    level: int
    blocks: tuple[Block, ...] = ()
    reported: bool = True


@dataclass(frozen=True)
class Document:
    """The whole report: title, a line under it, and the sections in order."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    checklist: tuple[ChecklistItem, ...] = field(default=())

    @property
    def anchors(self) -> tuple[str, ...]:
        """The anchors of sections with content."""
        return tuple(s.anchor for s in self.sections if s.reported)

    def section(self, anchor: str) -> Section:
        """The section with this anchor.

        Raises
        ------
        KeyError
            When there is none.
        """
        for s in self.sections:
            if s.anchor == anchor:
                return s
        raise KeyError(f"no section {anchor!r}")

    def summary(self) -> str:
        """The report as plain text: headings, paragraphs, and tables and figures by caption."""
        lines = [self.title, self.subtitle]
        for s in self.sections:
            lines += ["", "#" * s.level + " " + s.title]
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    lines.append(b.text)
                elif isinstance(b, Table):
                    rows = len(b.frame)
                    lines.append(f"[{b.label}. {b.caption}: {rows} row{'' if rows == 1 else 's'}]")
                elif isinstance(b, Panel):
                    lines.append(f"[{b.title}: {', '.join(k for k, _ in b.rows)}]")
                elif isinstance(b, ReferenceList):
                    lines += [f"{e.label}: " + "; ".join(f"{i.number}. {i.text}" for i in e.items)
                              for e in b.studies]  # fmt: skip
                else:
                    lines.append(f"[{b.label}. {b.figure.caption}]")
        return "\n".join(lines)


class Numbers:
    """Numbers tables (``Table 1``, appendix ``Table A1``) and figures in order."""

    def __init__(self) -> None:
        self.tables = 0
        self.appendix = 0
        self.figures = 0

    def table(self, caption: str, frame: pd.DataFrame, note: str = "", **extra: object) -> Table:
        """The next numbered table."""
        self.tables += 1
        return Table(f"Table {self.tables}", caption, frame, note, **extra)  # type: ignore[arg-type]

    def appendix_table(self, caption: str, frame: pd.DataFrame, note: str = "",
                       **extra: object) -> Table:  # fmt: skip
        """The next appendix table."""
        self.appendix += 1
        return Table(f"Table A{self.appendix}", caption, frame, note, **extra)  # type: ignore[arg-type]

    def figure(self, inputs: ReportInputs, fid: str) -> list[Block]:
        """The figure ``fid`` numbered, or nothing when the inputs lack it."""
        if fid not in inputs.figures:
            return []
        self.figures += 1
        return [Figure(f"Figure {self.figures}", fid, inputs.figures[fid])]


__all__ = [
    "Block",
    "Document",
    "Figure",
    "Numbers",
    "Panel",
    "Paragraph",
    "ReferenceList",
    "Section",
    "Table",
]
