"""The extraction grid's cells: from the service's grid to the page, from a post to rows.

The page names its cells ``study.<field>``, ``arm.<j>.<field>`` (arm column ``j``; its
name in ``arm.<j>.arm``), ``block.<b>.<field>`` (outcome row ``b``: ``outcome`` is
``domain::measure``, ``weeks``, ``timepoint_label``) and ``out.<b>.<j>.<field>`` (the
numbers of arm ``j`` in outcome row ``b``). :func:`parse_grid` turns a post into the
rows of the extraction form's three parts (:mod:`sysreview.extraction.forms`), numbered
so that every problem the validation reports (part, row, column) finds its cell again
(:meth:`Layout.cell_of`); names the grid does not have are refused, nothing stored.

Which numbers an outcome row shows at once follows its data: mean, SD and N for a
continuous measure, events and N for a dichotomous one; every other field the form
accepts (SE, confidence interval, t or P of the difference, median with quartiles or
range, change from baseline, the between-group P, source and note) is behind the row's
disclosure, open when one of them holds a value or a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sysreview.errors import InputError
from sysreview.extraction.forms import ExtractionForm, FieldSpec, FieldType
from sysreview.extraction.validate import Cell, Problem
from sysreview.project.extracting.grid import ExtractionGrid, Values
from sysreview.project.sheets.identity import SheetIdentity

MAX_ARMS = 30
MAX_BLOCKS = 300
MAX_TEXT = 5000
SEP = "::"
"""Between domain and measure in a new outcome row's choice."""
STUDY_SKIP = ("study_id",)
ARM_SKIP = ("study_id", "arm")
OUT_KEYS = ("study_id", "arm", "domain", "measure", "weeks_after_end", "timepoint_label")
CONTINUOUS = ("n", "mean", "sd")
DICHOTOMOUS = ("n", "events")
NEW_ROW = ("n", "mean", "sd", "events")
GROUP_TITLES = {
    "mean_sd": "Mean and SD",
    "mean_se": "Mean with its standard error",
    "mean_ci": "Mean with its confidence interval",
    "mean_test": "t or P of the difference between the two arms (SD of both arms)",
    "median": "Median with quartiles and/or range",
    "change": "Change from baseline",
    "events": "Dichotomous",
    None: "Source and other",
}
LABELS = {
    "n": "N analysed", "mean": "Mean", "sd": "SD", "se": "SE", "ci_low": "CI lower",
    "ci_high": "CI upper", "ci_level": "CI level (%)", "t": "t", "p": "P (exact)",
    "median": "Median", "q1": "Q1", "q3": "Q3", "minimum": "Minimum", "maximum": "Maximum",
    "mean_change": "Mean change", "sd_change": "SD of change", "events": "Events",
    "reported_p": "Reported P", "report": "Report (record id)", "location": "Page/table",
    "note": "Note", "arm_type": "Type", "n_randomised": "N randomised",
    "description": "Description", "delivery": "Delivery", "structured": "Structured",
}  # fmt: skip


def label(name: str) -> str:
    """A field's label in the grid."""
    return LABELS.get(name, name.replace("_", " ").capitalize())


def shown(value: Any) -> str:
    """A stored value as a cell shows it (``yes``/``no``, ``38`` not ``38.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Column:
    """An arm column: ``j`` (from 1), its name, and whether the arm exists already."""

    j: int
    name: str
    existing: bool


@dataclass(frozen=True)
class Block:
    """An outcome row of the grid (a measure at a time point); ``existing`` when stored."""

    b: int
    domain: str
    measure: str
    weeks: str
    existing: bool
    dichotomous: bool = False

    @property
    def title(self) -> str:
        """``"recovery / QPR, 0 weeks after the end"`` (or "New outcome row")."""
        if not (self.domain and self.measure):
            return "New outcome row"
        title = f"{self.domain} / {self.measure}, {self.weeks or '?'} weeks after the end"
        return title if self.existing else f"{title} (new)"

    @property
    def primary(self) -> tuple[str, ...]:
        """The numbers shown at once."""
        if not self.existing:
            return NEW_ROW
        return DICHOTOMOUS if self.dichotomous else CONTINUOUS


@dataclass
class Layout:
    """The grid's columns and outcome rows, the cells' values, and where rows came from.

    ``rows`` maps an outcome row number (as validated) to ``(b, j)``.
    """

    columns: list[Column]
    blocks: list[Block]
    values: dict[str, str] = field(default_factory=dict)
    had: set[str] = field(default_factory=set)
    rows: dict[int, tuple[int, int]] = field(default_factory=dict)

    def column(self, j: int) -> Column | None:
        """The column ``j``."""
        return next((c for c in self.columns if c.j == j), None)

    def block(self, b: int) -> Block | None:
        """The outcome row ``b``."""
        return next((k for k in self.blocks if k.b == b), None)

    def cell_of(self, problem: Problem, form: ExtractionForm) -> str:
        """The name of the (visible) cell a validation problem is about."""
        part, row, column = problem.sheet, problem.row, problem.column or ""
        if part == "studies":
            names = [f.name for f in form.studies.fields if f.name not in STUDY_SKIP]
            return f"study.{column if column in names else names[0]}"
        if part == "arms":
            found = self.column(row)
            if column == "arm" and found is not None and not found.existing:
                return f"arm.{row}.arm"
            known = column in form.arms.names and column not in ARM_SKIP
            return f"arm.{row}.{column if known else 'arm_type'}"
        b, j = self.rows.get(row, (0, 0))
        block, col = self.block(b), self.column(j)
        if column in ("domain", "measure", "weeks_after_end") and block and not block.existing:
            return f"block.{b}.{'weeks' if column == 'weeks_after_end' else 'outcome'}"
        if column == "timepoint_label":
            return f"block.{b}.timepoint_label"
        if column == "arm" and col is not None and not col.existing:
            return f"arm.{j}.arm"
        if column in form.outcomes.names and column not in OUT_KEYS:
            return f"out.{b}.{j}.{column}"
        return f"out.{b}.{j}.n"


def from_grid(grid: ExtractionGrid, form: ExtractionForm) -> Layout:
    """The layout of a freshly read grid: its arms and outcome rows, one blank of each."""
    columns = [Column(j, a.name, True) for j, a in enumerate(grid.arms, start=1)]
    columns.append(Column(len(columns) + 1, "", False))
    blocks = [
        Block(b, o.domain, o.measure, shown(o.weeks), True, o.dichotomous)
        for b, o in enumerate(grid.outcomes, start=1)
    ]
    blocks.append(Block(len(blocks) + 1, "", "", "", False))
    layout = Layout(columns, blocks)
    put = layout.values
    for name in _names(form.studies.fields, STUDY_SKIP):
        put[f"study.{name}"] = shown(grid.fields.own.get(name))
    for c, arm in zip(columns, grid.arms, strict=False):
        put[f"arm.{c.j}.arm"] = arm.name
        for name in _names(form.arms.fields, ARM_SKIP):
            put[f"arm.{c.j}.{name}"] = shown(arm.values.own.get(name))
        if arm.values.has_own:
            layout.had.add(f"arm.{c.j}")
    for k, outcome in zip(blocks, grid.outcomes, strict=False):
        put[f"block.{k.b}.outcome"] = f"{k.domain}{SEP}{k.measure}"
        put[f"block.{k.b}.weeks"] = k.weeks
        put[f"block.{k.b}.timepoint_label"] = outcome.label or ""
        for c in columns:
            values = outcome.cells.get(c.name, Values())
            for name in _out_names(form):
                put[f"out.{k.b}.{c.j}.{name}"] = shown(values.own.get(name))
            if values.has_own:
                layout.had.add(f"out.{k.b}.{c.j}")
    return layout


def _names(fields: tuple[FieldSpec, ...], skip: tuple[str, ...]) -> list[str]:
    return [f.name for f in fields if f.name not in skip]


def _out_names(form: ExtractionForm) -> list[str]:
    return _names(form.outcomes.fields, OUT_KEYS)


def page_identity(data: Mapping[str, str], protocol_title: str, reviewer: str) -> SheetIdentity:
    """The page's identity as posted back (``page.*``), for the staleness check.

    Raises
    ------
    InputError
        When the page's identity fields are missing or malformed.
    """
    try:
        as_of = {k[len("page.as_of."):]: int(v) for k, v in data.items()
                 if k.startswith("page.as_of.")}  # fmt: skip
    except ValueError:
        raise InputError("the page's identity is damaged: reload the page") from None
    if not data.get("page.project") or not data.get("page.exported_at") or not as_of:
        raise InputError("the page's identity is missing: reload the page")
    return SheetIdentity(data["page.project"], protocol_title, "extraction", reviewer,
                         data["page.exported_at"], as_of=as_of,
                         sheet=data.get("page.sheet", ""))  # fmt: skip


PAGE_FIELDS = ("csrf_token", "study", "page.project", "page.exported_at", "page.sheet")


def _split(name: str) -> tuple[str, list[str]]:
    head, _, rest = name.partition(".")
    return head, rest.split(".") if rest else []


def parse_grid(
    data: Mapping[str, str], form: ExtractionForm, study: str
) -> tuple[Layout, dict[str, list[tuple[int, dict[str, Cell]]]]]:
    """The posted grid's layout and its rows by part (see the module docstring).

    Raises
    ------
    InputError
        For a name the grid does not have (an arm column or outcome row it lacks, a
        field the form does not have), or a cell longer than :data:`MAX_TEXT`.
    """
    study_fields = set(_names(form.studies.fields, STUDY_SKIP))
    arm_fields = {"arm", "existing", *_names(form.arms.fields, ARM_SKIP)}
    block_fields = {"outcome", "weeks", "timepoint_label", "existing"}
    out_fields = set(_out_names(form))
    values: dict[str, str] = {}
    had: set[str] = set()
    arms: set[int] = set()
    blocks: set[int] = set()
    cells: set[tuple[int, int]] = set()
    for name, value in data.items():
        if len(value) > MAX_TEXT:
            raise InputError(f"{name}: at most {MAX_TEXT} characters")
        if name in PAGE_FIELDS or name.startswith("page.as_of."):
            continue
        head, parts = _split(name)
        ok = _known(head, parts, study_fields, arm_fields, block_fields, out_fields)
        if not ok:
            raise InputError(f"the grid has no cell {name!r} (reload the page)")
        if head == "had":
            had.add(".".join(parts))
            continue
        values[name] = value.strip()
        if head == "arm":
            arms.add(int(parts[0]))
        elif head == "block":
            blocks.add(int(parts[0]))
        elif head == "out":
            cells.add((int(parts[0]), int(parts[1])))
    for b, j in sorted(cells):
        if j not in arms or b not in blocks:
            what = f"arm column {j}" if j not in arms else f"outcome row {b}"
            raise InputError(f"the grid has no {what}, but out.{b}.{j} cells were sent "
                             "(reload the page)")  # fmt: skip
    columns = [Column(j, values.get(f"arm.{j}.arm", ""), values.get(f"arm.{j}.existing") == "yes")
               for j in sorted(arms)]  # fmt: skip
    layout = Layout(columns, [_block(values, b) for b in sorted(blocks)], values, had)
    return layout, _rows(layout, form, study)


def _known(head: str, parts: list[str], study: set[str], arm: set[str], block: set[str],
           out: set[str]) -> bool:  # fmt: skip
    def index(text: str, most: int) -> bool:
        return text.isdigit() and 1 <= int(text) <= most

    if head == "study":
        return len(parts) == 1 and parts[0] in study
    if head == "arm":
        return len(parts) == 2 and index(parts[0], MAX_ARMS) and parts[1] in arm
    if head == "block":
        return len(parts) == 2 and index(parts[0], MAX_BLOCKS) and parts[1] in block
    if head == "out":
        return (len(parts) == 3 and index(parts[0], MAX_BLOCKS) and index(parts[1], MAX_ARMS)
                and parts[2] in out)  # fmt: skip
    if head == "had" and parts[:1] == ["arm"]:
        return len(parts) == 2 and index(parts[1], MAX_ARMS)
    if head == "had" and parts[:1] == ["out"]:
        return len(parts) == 3 and index(parts[1], MAX_BLOCKS) and index(parts[2], MAX_ARMS)
    return False


def _block(values: Mapping[str, str], b: int) -> Block:
    domain, _, measure = values.get(f"block.{b}.outcome", "").partition(SEP)
    existing = values.get(f"block.{b}.existing") == "yes"
    return Block(b, domain, measure, values.get(f"block.{b}.weeks", ""), existing)


def _rows(
    layout: Layout, form: ExtractionForm, study: str
) -> dict[str, list[tuple[int, dict[str, Cell]]]]:
    v = layout.values
    studies: dict[str, Cell] = {"study_id": study}
    studies.update({n: v.get(f"study.{n}", "") for n in _names(form.studies.fields, STUDY_SKIP)})
    arms = []
    for c in layout.columns:
        given: dict[str, Cell] = {n: v.get(f"arm.{c.j}.{n}", "")
                                  for n in _names(form.arms.fields, ARM_SKIP)}  # fmt: skip
        if any(given.values()) or f"arm.{c.j}" in layout.had or (c.name and not c.existing):
            arms.append((c.j, {"study_id": study, "arm": c.name, **given}))
    outcomes = []
    number = 0
    for k in layout.blocks:
        head = {"study_id": study, "domain": k.domain, "measure": k.measure,
                "weeks_after_end": k.weeks,
                "timepoint_label": v.get(f"block.{k.b}.timepoint_label", "")}  # fmt: skip
        for c in layout.columns:
            given = {n: v.get(f"out.{k.b}.{c.j}.{n}", "") for n in _out_names(form)}
            if not any(given.values()) and f"out.{k.b}.{c.j}" not in layout.had:
                continue
            number += 1
            layout.rows[number] = (k.b, c.j)
            outcomes.append((number, {**head, "arm": c.name, **given}))
    return {"studies": [(1, studies)], "arms": arms, "outcomes": outcomes}


def consensus_cells(layout: Layout, grid: ExtractionGrid, form: ExtractionForm) -> dict[str, str]:
    """The consensus value of each cell that has one, as shown (by cell name)."""
    out: dict[str, str] = {}
    for name in _names(form.studies.fields, STUDY_SKIP):
        if name in grid.fields.consensus:
            out[f"study.{name}"] = shown(grid.fields.consensus[name])
    arms = {a.name: a.values for a in grid.arms}
    for c in layout.columns:
        for name, value in arms.get(c.name, Values()).consensus.items():
            out[f"arm.{c.j}.{name}"] = shown(value)
    outcomes = {(o.domain, o.measure, shown(o.weeks)): o for o in grid.outcomes}
    for k in layout.blocks:
        found = outcomes.get((k.domain, k.measure, k.weeks))
        if found is None:
            continue
        for c in layout.columns:
            for name, value in found.cells.get(c.name, Values()).consensus.items():
                out[f"out.{k.b}.{c.j}.{name}"] = shown(value)
    return out


def with_blanks(layout: Layout) -> Layout:
    """``layout`` ending with a blank new arm column and outcome row (as a fresh grid does)."""

    def blank(prefixes: tuple[str, ...]) -> bool:
        return not any(v for k, v in layout.values.items() if k.startswith(prefixes))

    last = layout.columns[-1] if layout.columns else None
    if last is None or last.existing or not blank((f"arm.{last.j}.",)):
        layout.columns.append(Column((last.j if last else 0) + 1, "", False))
    end = layout.blocks[-1] if layout.blocks else None
    if end is None or end.existing or not blank((f"block.{end.b}.", f"out.{end.b}.")):
        layout.blocks.append(Block((end.b if end else 0) + 1, "", "", "", False))
    return layout


def with_kinds(layout: Layout, grid: ExtractionGrid) -> Layout:
    """``layout`` with its stored outcome rows' kind (dichotomous or not) from ``grid``."""
    kinds = {(o.domain, o.measure, shown(o.weeks)): o.dichotomous for o in grid.outcomes}
    layout.blocks = [
        Block(k.b, k.domain, k.measure, k.weeks, k.existing,
              kinds.get((k.domain, k.measure, k.weeks), False))
        for k in layout.blocks
    ]  # fmt: skip
    return layout


def field_type(spec: FieldSpec) -> str:
    """``select`` for choices and yes/no fields, ``number`` for numbers, else ``text``."""
    if spec.type in (FieldType.CHOICE, FieldType.BOOLEAN):
        return "select"
    return "number" if spec.type in (FieldType.NUMBER, FieldType.INTEGER) else "text"


__all__ = ["Block", "Column", "Layout", "consensus_cells", "field_type", "from_grid", "label",
           "page_identity", "parse_grid", "shown", "with_blanks", "with_kinds"]  # fmt: skip
