"""The studies: who was included (cited), their characteristics, and who was not.

- :func:`reference_lists` — the numbered references of every study the report cites;
- :func:`characteristics_table` — Table 1, one column per characteristic, each once;
- :func:`study_panels` — 'Characteristics of included studies' as Cochrane prints them:
  Methods, Participants, Interventions, Outcomes and Notes per study, where wide content
  (every extracted characteristic) has room;
- :func:`cited_table` — 'Characteristics of excluded studies', 'Studies awaiting
  classification' and 'Ongoing studies' from the project's record;
- :func:`participants_paragraph` — the participants across trials (medians and ranges of
  the extracted ages and proportions of women, the diagnoses reported);
- :func:`usable_paragraph` — how many trials and participants had usable data.

Values are formatted, never computed, except medians and ranges of extracted values and
the sums and shares of participants randomised (counts of what the studies reported).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable

import pandas as pd

from sysreview.extraction.dataset import INTERVENTION, OUTCOME_ROB, Scalar, StudyEntry

from .blocks import Panel
from .inputs import ReportInputs
from .record import CitedStudy, Reference
from .references import References
from .tables import NR, cell_text, participants
from .words import fmt_count, join_words, number_word, outcome_label, plural

Cite = Callable[[str], str]
"""A study label → the label with its citation (``"Cook 2012a [3]"``)."""

TABLE1 = ("Study", "Country", "Setting", "Participants", "N randomised", "Intervention",
          "Comparator", "Duration", "Outcomes")  # fmt: skip
"""Table 1's columns: one per characteristic; the rest go to the per-study panels."""
_ATTRIBUTE_OF = {"Country": ("country",), "Setting": ("setting",),
                 "Participants": ("population", "diagnoses", "diagnosis")}  # fmt: skip
"""Table 1's columns read from a study's characteristics: the first of the keys it has
(the participants: the population coded for the review, else the diagnoses extracted)."""
_METHODS = ("design", "aims", "year", "published", "country", "setting", "recruitment",
            "duration", "duration_weeks")  # fmt: skip
_PARTICIPANTS = ("population", "n_randomised", "eligibility", "age", "mean_age", "gender",
                 "percent_women", "women", "ethnicity", "diagnoses", "diagnosis",
                 "diagnosis_inclusion", "baseline_imbalance", "attrition",
                 "dropouts_described", "n_analysed", "missing_data")  # fmt: skip
_INTERVENTIONS = ("format", "structure", "delivery", "delivery_mode", "intervention_type",
                  "intervention_structured", "comparator", "n_arms")  # fmt: skip
_HIDDEN = ("overall_rob",)
"""Attributes shown elsewhere (the risk-of-bias table)."""


def _name(key: str) -> str:
    return key.replace("_", " ").capitalize()


def reference_lists(inputs: ReportInputs) -> References:
    """The report's references, per study.

    Included studies in Table 1 order (each with all its reports, else the citation its
    data source gave), then excluded, awaiting and ongoing studies from the record.
    """
    record = inputs.conduct
    included = []
    for s in inputs.data.studies:
        held = record.study(s.study_id) if record is not None else None
        refs = held.references if held is not None else ()
        if not refs and s.reference:
            refs = (Reference(text=s.reference),)
        included.append(CitedStudy(s.study_id, refs))
    groups: dict[str, tuple[CitedStudy, ...]] = {"included": tuple(included)}
    if record is not None:
        groups.update(excluded=record.excluded, awaiting=record.awaiting, ongoing=record.ongoing)
    return References(groups)


def _value(study: StudyEntry, key: str) -> Scalar | None:
    if key in study.attributes:
        return study.attributes[key]
    return study.characteristics.get(key)


def _arms(inputs: ReportInputs, study: StudyEntry, intervention: bool) -> str:
    labels = {c.code: c.label for c in inputs.protocol.comparators.types}
    parts = []
    for arm in inputs.data.arms_of(study.study_id):
        if (arm.arm_type == INTERVENTION) != intervention:
            continue
        text = arm.description or arm.arm
        if not intervention:
            text = f"{text} ({labels.get(arm.arm_type, arm.arm_type)})"
        if arm.n_randomised is not None:
            text += f", n = {arm.n_randomised}"
        parts.append(text)
    return "; ".join(parts) or NR


def _outcomes(inputs: ReportInputs, study: StudyEntry) -> str:
    order = [d.name for _, d in inputs.protocol.outcomes.domains()]
    found = {o.domain for o in inputs.data.outcomes_of(study.study_id)}
    names = [outcome_label(inputs.protocol, d) for d in order if d in found]
    names += sorted(found - set(order))
    return ", ".join(names) or NR


def _duration(study: StudyEntry) -> str:
    weeks = study.attributes.get("duration_weeks")
    if weeks is not None:
        return f"{cell_text(weeks)} weeks"
    return cell_text(study.characteristics.get("duration"))


def characteristics_table(inputs: ReportInputs, cite: Cite | None = None) -> pd.DataFrame:
    """Table 1: one row per included study and one column per characteristic (each once).

    The columns: Study (cited), Country, Setting, Participants, N randomised, Intervention,
    Comparator, Duration, Outcomes. A characteristic is read from the study's attributes,
    else from its descriptive characteristics; everything else goes to :func:`study_panels`.
    """
    n = participants(inputs)
    rows = []
    for s in inputs.data.studies:
        row = {"Study": cite(s.study_id) if cite else s.study_id}
        for column, keys in _ATTRIBUTE_OF.items():
            given = (v for k in keys if (v := _value(s, k)) is not None and v != "")
            row[column] = cell_text(next(given, None))
        row.update({
            "N randomised": cell_text(n[s.study_id]),
            "Intervention": _arms(inputs, s, True),
            "Comparator": _arms(inputs, s, False),
            "Duration": _duration(s),
            "Outcomes": _outcomes(inputs, s),
        })  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=list(TABLE1))


def _fields(study: StudyEntry, keys: Iterable[str], taken: set[str]) -> str:
    parts = []
    for key in keys:
        value = _value(study, key)
        if key in taken or value is None or value == "":
            continue
        taken.add(key)
        parts.append(f"{_name(key)}: {cell_text(value)}")
    return "; ".join(parts)


def _timepoints(inputs: ReportInputs, study: StudyEntry) -> str:
    by_domain: dict[str, dict[str, set[str]]] = {}
    for o in inputs.data.outcomes_of(study.study_id):
        when = o.timepoint_label or ""
        if not when or (o.weeks_after_end == 0 and when == "0 weeks after the end"):
            # the extraction sheet's own label of an unlabelled time (extraction_writer)
            when = "post-intervention" if o.weeks_after_end == 0 else (
                f"{o.weeks_after_end:g} weeks after the end")  # fmt: skip
        by_domain.setdefault(o.domain, {}).setdefault(o.measure, set()).add(when)
    parts = []
    for domain, measures in by_domain.items():
        what = "; ".join(f"{m} ({', '.join(sorted(t))})" for m, t in measures.items())
        parts.append(f"{outcome_label(inputs.protocol, domain)}: {what}")
    return ". ".join(parts) or NR


def study_panels(inputs: ReportInputs, cite: Cite | None = None) -> list[Panel]:
    """'Characteristics of included studies': one panel per study (Cochrane's layout)."""
    n = participants(inputs)
    out = []
    for s in inputs.data.studies:
        taken = set(_HIDDEN)
        methods = _fields(s, _METHODS, taken)
        people = _fields(s, _PARTICIPANTS, taken)
        if n[s.study_id] is not None and "n_randomised" not in s.attributes:
            people = f"N randomised: {n[s.study_id]}" + (f"; {people}" if people else "")
        arms = [f"Intervention: {_arms(inputs, s, True)}", f"Control: {_arms(inputs, s, False)}"]
        extra = _fields(s, _INTERVENTIONS, taken)
        rest = [k for k in (*s.attributes, *s.characteristics)
                if k not in taken and not k.startswith(OUTCOME_ROB)]  # fmt: skip
        notes = _fields(s, dict.fromkeys(rest), taken)
        rows = (
            ("Methods", "Randomised controlled trial" + (f". {methods}" if methods else "")),
            ("Participants", people or NR),
            ("Interventions", ". ".join([*arms, *([extra] if extra else [])])),
            ("Outcomes", _timepoints(inputs, s)),
            ("Notes", notes or "–"),
        )
        title = cite(s.study_id) if cite else s.study_id
        anchor = "study-" + re.sub(r"[^a-z0-9]+", "-", s.study_id.casefold()).strip("-")
        out.append(Panel(title, rows, anchor))
    return out


def cited_table(studies: Iterable[CitedStudy], refs: References, group: str,
                column: str) -> pd.DataFrame:  # fmt: skip
    """One row per excluded, awaiting or ongoing study.

    The study (cited) and ``column`` (the reason for exclusion, why it awaits
    classification, what is known).
    """
    rows = [{"Study": refs.cited(s.label, group), column: s.reason or NR} for s in studies]
    return pd.DataFrame(rows, columns=["Study", column])


_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WOMEN = re.compile(r"(\d+(?:\.\d+)?)\s*%\s*(?:were\s+)?(?:women|female)", re.IGNORECASE)


def _age(study: StudyEntry) -> float | None:
    value = _value(study, "mean_age")
    if value is None:
        value = _value(study, "age")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    found = _NUMBER.search(str(value)) if isinstance(value, str) else None
    return float(found.group()) if found else None


def _women(study: StudyEntry) -> float | None:
    for key in ("percent_women", "women"):
        value = _value(study, key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and (found := _NUMBER.search(value)):
            return float(found.group())
    gender = _value(study, "gender")
    found = _WOMEN.search(gender) if isinstance(gender, str) else None
    return float(found.group(1)) if found else None


def _spread(values: list[float], unit: str) -> str:
    med = statistics.median(values)
    return f"{med:.1f}{unit} (range {min(values):.1f} to {max(values):.1f})"


def participants_paragraph(inputs: ReportInputs) -> str | None:
    """The participants across the included trials, from what was extracted.

    The median and range of the trials' mean ages and proportions of women, and the
    diagnoses reported (each with the number of trials that reported it). ``None``
    without studies.

    Ages are the studies' ``mean_age`` (or the first number of the ``age`` text, e.g.
    ``"mean 42.1 (SD 11.3)"``); women the ``percent_women`` value or ``"61% women"`` in
    the ``gender`` text.
    """
    studies = inputs.data.studies
    k = len(studies)
    if not k:
        return None
    parts = []
    ages = [a for s in studies if (a := _age(s)) is not None]
    if ages:
        parts.append(f"the median of the trials' mean ages was {_spread(ages, ' years')}; "
                     f"{len(ages)} of {k} trials reported age")  # fmt: skip
    women = [w for s in studies if (w := _women(s)) is not None]
    if women:
        parts.append(f"the median proportion of women was {_spread(women, '%')}; "
                     f"{len(women)} of {k} trials reported it")  # fmt: skip
    found: dict[str, int] = {}
    for s in studies:
        value = _value(s, "diagnoses") or _value(s, "diagnosis") or _value(s, "population")
        if value not in (None, ""):
            found[str(value)] = found.get(str(value), 0) + 1
    if found:
        listed = join_words([f"{d} ({plural(n, 'trial')})" for d, n in
                             sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))])  # fmt: skip
        parts.append(f"participants' diagnoses or populations were {listed}")
    if not parts:
        return "No participant characteristic was extracted from the included trials."
    return f"Across the {plural(k, 'included trial')}, " + "; ".join(parts) + "."


def usable_studies(inputs: ReportInputs) -> list[str]:
    """Included studies that contributed usable data, in Table 1 order.

    A study's data are usable when at least one main or narrative analysis has an estimate
    of its own.
    """
    used = {s for r in inputs.results if r.kind in ("main", "narrative") for s in r.studies}
    return [s.study_id for s in inputs.data.studies if s.study_id in used]


def usable_paragraph(inputs: ReportInputs, cite: Cite | None = None) -> str | None:
    """Usable-data accounting of the included trials.

    The trials and participants randomised with usable data, and the trials without
    (named).
    """
    studies = [s.study_id for s in inputs.data.studies]
    if not studies:
        return None
    used = usable_studies(inputs)
    n = participants(inputs)
    k = len(studies)
    trials = plural(k, "included trial")
    some = f"{number_word(len(used), True)} of the {trials}"
    text = f"{f'All {trials}' if len(used) == k > 1 else some} had usable data"
    known = [s for s in studies if n[s] is not None]
    if len(known) == k:
        total = sum(n[s] or 0 for s in studies)
        part = sum(n[s] or 0 for s in used)
        share = f"{100 * part / total:.0f}%" if total else "0%"
        text += f" ({fmt_count(part)} of {fmt_count(total)} participants randomised, {share})"
    text += " for at least one outcome."
    if known and len(known) < k:
        text += (f" Only {number_word(len(known))} of the {k} trials reported how many "
                 "participants were randomised, so the share of participants with usable "
                 "data cannot be given.")  # fmt: skip
    missing = [s for s in studies if s not in used]
    if missing:
        names = join_words([cite(s) if cite else s for s in missing])
        text += f" No usable data: {names}."
    return text


def no_data_paragraph(inputs: ReportInputs, missing: list[str]) -> str | None:
    """The protocol's outcomes no included study reported."""
    if not missing:
        return None
    return (f"No included study reported {join_words(missing)}: the protocol planned these "
            "outcomes, and they have no results.")  # fmt: skip


__all__ = [
    "TABLE1",
    "characteristics_table",
    "cited_table",
    "no_data_paragraph",
    "participants_paragraph",
    "reference_lists",
    "study_panels",
    "usable_paragraph",
    "usable_studies",
]
