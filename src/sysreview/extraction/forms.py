"""The data extraction form, generated from the protocol.

Three parts, one row each per study, per arm and per arm × outcome measure × timepoint:

* ``studies`` -- the study characteristics of an adapted Cochrane form (aims, design,
  setting, country, duration, eligibility, number randomised, age, gender, ethnicity,
  diagnoses, baseline imbalance, attrition, whether drop-outs are described, missing
  data, funding, conflicts of interest, ...; Cochrane Handbook v6.4 table 5.3.a);
* ``arms`` -- name, type (``intervention`` or one of the protocol's comparator codes),
  description, delivery, structured or not, number randomised;
* ``outcomes`` -- the domain and measure (from the protocol), the time after the end of the
  intervention in weeks (plus the report's own label), and the numbers in one of these
  groups: mean/SD/N; mean with SE or with a confidence interval (converted to SD); median
  with IQR and/or range (converted to mean/SD, flagged); change from baseline
  (mean/SD of changes); events/N for dichotomous outcomes.

Every row also has ``report`` (the record id of the report the values were taken from)
and ``location`` (page, table or figure). The form is plain data: templates, validation
(:mod:`sysreview.extraction.validate`) and the web app all read it.

Examples
--------
>>> from sysreview.protocol import parse_protocol, template_text
>>> form = extraction_form(parse_protocol(template_text("group-peer-support")))
>>> form.arms.field("arm_type").choices
('intervention', 'TAU', 'WL', 'active')
>>> form.scale("depression", "CES-D")
(0.0, 60.0)
>>> [f.name for f in form.outcomes.fields if f.group == "mean_ci"]
['ci_low', 'ci_high', 'ci_level']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from sysreview.extraction.dataset import INTERVENTION

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.protocol import Protocol

PARTS = ("studies", "arms", "outcomes")
"""The form's parts, in order (also the sheet names of a template)."""


class FieldType(StrEnum):
    """What a field holds."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"


class Target(StrEnum):
    """Where a study field ends up in :class:`~sysreview.extraction.dataset.StudyEntry`."""

    KEY = "key"
    PROVENANCE = "provenance"
    ATTRIBUTE = "attribute"
    CHARACTERISTIC = "characteristic"
    VALUE = "value"


@dataclass(frozen=True)
class FieldSpec:
    """One field (a column of a template sheet).

    ``minimum``/``maximum`` bound numbers (inclusive); ``group`` names the numeric field
    group of an outcome row (``mean_sd``, ``mean_se``, ``mean_ci``, ``mean_test``, ``median``,
    ``change``, ``events``).
    """

    name: str
    type: FieldType
    help: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    group: str | None = None
    target: Target = Target.VALUE


@dataclass(frozen=True)
class FormPart:
    """One part of the form: its fields and the fields that identify a row."""

    name: str
    title: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``.

        Raises
        ------
        KeyError
            When the part has no such field.
        """
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"the {self.name} form has no field {name!r}")

    @property
    def names(self) -> tuple[str, ...]:
        """Field names, in column order."""
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class ExtractionForm:
    """The whole form: three parts plus the protocol's domains, measures and scales.

    ``measures`` maps each domain to its measures, ``scales`` maps ``(domain, measure)``
    to the scale's ``(min, max)`` (``None`` when the protocol gives no range).
    """

    studies: FormPart
    arms: FormPart
    outcomes: FormPart
    measures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    scales: Mapping[tuple[str, str], tuple[float, float] | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "measures", MappingProxyType(dict(self.measures)))
        object.__setattr__(self, "scales", MappingProxyType(dict(self.scales)))

    @property
    def parts(self) -> tuple[FormPart, ...]:
        """``(studies, arms, outcomes)``."""
        return (self.studies, self.arms, self.outcomes)

    def part(self, name: str) -> FormPart:
        """The part called ``name`` (one of :data:`PARTS`)."""
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(f"no form part {name!r}; must be one of {', '.join(PARTS)}")

    def scale(self, domain: str, measure: str) -> tuple[float, float] | None:
        """The ``(min, max)`` of a measure's scale, or ``None`` when not declared."""
        return self.scales.get((domain, measure))

    def to_frame(self) -> pd.DataFrame:
        """One row per field: part, field, type, required, choices, bounds, group, help."""
        import pandas as pd

        rows = [
            {
                "part": part.name,
                "field": f.name,
                "type": f.type.value,
                "required": f.required,
                "choices": ", ".join(f.choices),
                "minimum": f.minimum,
                "maximum": f.maximum,
                "group": f.group,
                "help": f.help,
            }
            for part in self.parts
            for f in part.fields
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """The form as text: one line per field, grouped by part."""
        lines = []
        for part in self.parts:
            lines.append(f"{part.title} ({part.name}; one row per {', '.join(part.key)})")
            for f in part.fields:
                need = "required" if f.required else "optional"
                choices = f" [{', '.join(f.choices)}]" if f.choices else ""
                lines.append(f"  {f.name}: {f.type.value}, {need}{choices} - {f.help}")
        return "\n".join(lines)


def _provenance() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(
            "report", FieldType.INTEGER, "record id of the report these values come from",
            minimum=1, target=Target.PROVENANCE,
        ),
        FieldSpec(
            "location", FieldType.TEXT, "where in the report: page, table or figure",
            target=Target.PROVENANCE,
        ),
    )  # fmt: skip


def _text(name: str, help_text: str, target: Target = Target.CHARACTERISTIC) -> FieldSpec:
    return FieldSpec(name, FieldType.TEXT, help_text, target=target)


def _study_part() -> FormPart:
    a, t = Target.ATTRIBUTE, FieldType
    fields = (
        FieldSpec("study_id", t.TEXT, "the study's label, e.g. 'Smith 2019'", True,
                  target=Target.KEY),
        *_provenance(),
        FieldSpec("year", t.INTEGER, "year of the main report", minimum=1900, maximum=2100,
                  target=a),
        FieldSpec("published", t.BOOLEAN, "reported in a published article (yes/no)", target=a),
        _text("aims", "the study's aims"),
        _text("design", "design as reported, e.g. 'parallel RCT', 'cluster RCT', 'crossover'"),
        _text("country", "country where the study was run", a),
        _text("setting", "setting, e.g. community mental health services", a),
        _text("population", "population category used by subgroups, e.g. severe / other", a),
        _text("intervention_type", "e.g. mutual_support, peer_facilitated", a),
        FieldSpec("duration_weeks", t.NUMBER, "intervention duration in weeks", minimum=0,
                  target=a),
        _text("eligibility", "the study's inclusion and exclusion criteria"),
        FieldSpec("n_randomised", t.INTEGER, "participants randomised (all arms)", minimum=1,
                  target=a),
        _text("age", "age of participants as reported, e.g. 'mean 42.1 (SD 11.3)'"),
        _text("gender", "gender as reported, e.g. '61% women'"),
        _text("ethnicity", "ethnicity as reported"),
        _text("diagnoses", "diagnoses of participants as reported"),
        _text("baseline_imbalance", "imbalance between arms at baseline, if any"),
        FieldSpec("attrition", t.NUMBER, "overall attrition as a fraction (0-1)", minimum=0,
                  maximum=1, target=a),
        FieldSpec("dropouts_described", t.BOOLEAN,
                  "the report describes the drop-outs: numbers and reasons per arm (yes/no)",
                  target=a),
        _text("missing_data", "how missing data were handled"),
        _text("funding", "sources of funding, as reported"),
        _text("conflicts_of_interest", "the authors' declared conflicts of interest"),
        _text("notes", "anything else worth recording"),
    )  # fmt: skip
    return FormPart("studies", "Study characteristics", fields, ("study_id",))


def _arm_part(comparator_codes: tuple[str, ...]) -> FormPart:
    t = FieldType
    fields = (
        FieldSpec("study_id", t.TEXT, "the study's label (as in the studies sheet)", True),
        FieldSpec("arm", t.TEXT, "the arm's name, e.g. 'peer group'", True),
        FieldSpec("arm_type", t.CHOICE, "intervention, or the protocol's comparator code",
                  True, choices=(INTERVENTION, *comparator_codes)),
        FieldSpec("n_randomised", t.INTEGER, "participants randomised to this arm", minimum=0),
        _text("description", "what the arm received", Target.VALUE),
        _text("delivery", "how it was delivered: who, where, how often, how long",
              Target.VALUE),
        FieldSpec("structured", t.BOOLEAN, "structured (manualised) intervention (yes/no)"),
        *_provenance(),
    )  # fmt: skip
    return FormPart("arms", "Arms", fields, ("study_id", "arm"))


def _number(name: str, help_text: str, group: str, minimum: float | None = None) -> FieldSpec:
    return FieldSpec(name, FieldType.NUMBER, help_text, minimum=minimum, group=group)


def _outcome_part(domains: tuple[str, ...], measures: tuple[str, ...]) -> FormPart:
    t = FieldType
    fields = (
        FieldSpec("study_id", t.TEXT, "the study's label", True),
        FieldSpec("arm", t.TEXT, "the arm's name (as in the arms sheet)", True),
        FieldSpec("domain", t.CHOICE, "outcome domain from the protocol", True,
                  choices=domains),
        FieldSpec("measure", t.CHOICE, "measure (instrument) of that domain", True,
                  choices=measures),
        FieldSpec("weeks_after_end", t.NUMBER,
                  "weeks after the END of the intervention (0 = post-intervention)", True,
                  minimum=0),
        _text("timepoint_label", "the time as the report gives it, e.g. '6 months'",
              Target.VALUE),
        FieldSpec("n", t.INTEGER, "participants analysed in this arm at this time",
                  minimum=0),
        _number("mean", "mean (with sd, se or ci_low/ci_high)", "mean_sd"),
        _number("sd", "standard deviation (> 0)", "mean_sd"),
        _number("se", "standard error of the mean: converted to SD", "mean_se"),
        _number("ci_low", "lower confidence limit of the mean: converted to SD", "mean_ci"),
        _number("ci_high", "upper confidence limit of the mean", "mean_ci"),
        _number("ci_level", "confidence level in percent (default 95)", "mean_ci"),
        _number("t", "t statistic of the difference in means of the two arms (on either "
                "arm's row): both arms' SD from it", "mean_test"),
        _number("p", "exact two-sided P value of that difference, 0 < p < 1 (on either "
                "arm's row): both arms' SD from it", "mean_test"),
        _number("median", "median (with q1/q3 and/or minimum/maximum): converted, flagged",
                "median"),
        _number("q1", "first quartile", "median"),
        _number("q3", "third quartile", "median"),
        _number("minimum", "smallest value", "median"),
        _number("maximum", "largest value", "median"),
        _number("mean_change", "mean change from baseline (with sd_change)", "change"),
        _number("sd_change", "SD of the changes from baseline (> 0)", "change"),
        FieldSpec("events", t.INTEGER, "participants with the event (dichotomous outcomes)",
                  minimum=0, group="events"),
        FieldSpec("reported_p", t.NUMBER, "between-group p value as reported", minimum=0,
                  maximum=1),
        *_provenance(),
        _text("note", "anything about these numbers", Target.VALUE),
    )  # fmt: skip
    return FormPart("outcomes", "Outcome data", fields, ("study_id", "arm", "domain",
                    "measure", "weeks_after_end"))  # fmt: skip


def extraction_form(protocol: Protocol) -> ExtractionForm:
    """The extraction form of a protocol.

    Parameters
    ----------
    protocol
        The review protocol: its comparator codes give the arm types, its outcome
        domains and measures (with scale ranges) the outcome choices.

    Returns
    -------
    ExtractionForm
    """
    measures: dict[str, tuple[str, ...]] = {}
    scales: dict[tuple[str, str], tuple[float, float] | None] = {}
    for _, domain in protocol.outcomes.domains():
        measures[domain.name] = tuple(m.name for m in domain.measures)
        for m in domain.measures:
            bounds = None
            if m.scale_min is not None and m.scale_max is not None:
                bounds = (float(m.scale_min), float(m.scale_max))
            scales[(domain.name, m.name)] = bounds
    all_measures = tuple(dict.fromkeys(m for names in measures.values() for m in names))
    return ExtractionForm(
        studies=_study_part(),
        arms=_arm_part(protocol.comparators.codes()),
        outcomes=_outcome_part(tuple(measures), all_measures),
        measures=measures,
        scales=scales,
    )


__all__ = [
    "PARTS",
    "ExtractionForm",
    "FieldSpec",
    "FieldType",
    "FormPart",
    "Target",
    "extraction_form",
]
