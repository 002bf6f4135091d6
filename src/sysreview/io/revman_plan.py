"""A RevMan 5 review as a sysreview plan: its analyses as protocol domains, and its mapping.

A statistician moving a RevMan review to sysreview expects its analyses to stay what
RevMan made them. :func:`plan_review` turns each analysis of a review
(:class:`~sysreview.revman.Review`) into a protocol domain with RevMan's own settings,
and lists what cannot be carried over, with the reason:

* one outcome group per comparison (``c1``, labelled with the comparison's name), one
  domain per analysis (``c1_o2``, labelled ``"1.2 <name>"``), one measure (the
  outcome's name; higher is better, so RevMan's direction is kept as stored), and the
  domain's ``analysis = {measure, method, model}`` as RevMan stored them (``EFFECT_MEASURE``,
  ``METHOD``, ``RANDOM``); DerSimonian-Laird, Wald z and the ``revman`` convention are
  the plan's, as in RevMan 5;
* each subgroup of an analysis is a domain of its own (``c1_o2_s1``, ``"1.2.1 <name>"``:
  the label a mapping gives it, :func:`sysreview.io.revman.subgroup_label`), so RevMan's
  subtotals are reproduced; the whole analysis is a domain where RevMan pools it
  (``TOTALS="YES"``, or an analysis without subgroups);
* one comparator code, ``control``: RevMan's group 2 of every comparison. A study in
  several comparisons keeps one pair of arms; each domain holds the rows of one analysis
  only, so the analyses do not mix.

Left out, with the reason (:attr:`RevmanPlan.left_out`): generic inverse-variance
analyses (no per-arm data), analyses whose events RevMan swaps, a part in which a study
appears twice (RevMan counts it twice; sysreview compares a study once per domain), a
confidence level other than 95%, and the test for subgroup differences (sysreview's
subgroup analyses split studies by their attributes). Domains that are kept but whose
pooled result cannot be RevMan's say why in :attr:`PlannedAnalysis.note` (one estimable
study: sysreview pools two or more; RevMan stored no totals).

:func:`protocol_text` writes the plan into the blank protocol template;
:func:`derived_mapping` matches a file's analyses to the domains of a protocol (labels)
when no mapping file is given, and :func:`mapping_toml` writes such a mapping as an
outcome mapping file (:mod:`sysreview.io.outcomes`). Pure: no files are read or written
here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from sysreview.errors import InputError
from sysreview.io.outcomes import OutcomeMapping, OutcomeTarget
from sysreview.protocol import Protocol, template_text
from sysreview.revman import Outcome, Review, StoredPooled, StudyRow, Subgroup

__all__ = [
    "COMPARATOR",
    "LeftOut",
    "PlannedAnalysis",
    "RevmanPlan",
    "derived_mapping",
    "mapping_toml",
    "plan_review",
    "protocol_text",
]

COMPARATOR = "control"
"""The comparator code of every control arm of an imported review (RevMan's group 2)."""

_LEVEL = 95.0


@dataclass(frozen=True)
class PlannedAnalysis:
    """One RevMan analysis (or subgroup) as a protocol domain.

    ``note`` says why its pooled result cannot be RevMan's (``None``: it must be).
    """

    label: str
    domain: str
    group: str
    comparison: str
    outcome: Outcome
    subgroup: Subgroup | None = None
    note: str | None = None

    @property
    def measure(self) -> str:
        """RevMan's effect measure (``RR``, ``OR``, ``RD``, ``PETO_OR``, ``MD``, ``SMD``)."""
        return self.outcome.measure

    @property
    def method(self) -> str:
        """RevMan's pooling method (``MH``, ``IV``, ``PETO``)."""
        return self.outcome.method

    @property
    def model(self) -> str:
        """``random`` or ``fixed``, as RevMan stored it."""
        return "random" if self.outcome.random else "fixed"

    @property
    def studies(self) -> tuple[StudyRow, ...]:
        """The study rows of this part."""
        return self.outcome.studies if self.subgroup is None else self.subgroup.studies

    @property
    def stored(self) -> StoredPooled | None:
        """RevMan's stored total (or subtotal) of this part."""
        return self.outcome.stored if self.subgroup is None else self.subgroup.stored


@dataclass(frozen=True)
class LeftOut:
    """An analysis (or part of one) the plan does not carry over, and why."""

    label: str
    reason: str


@dataclass(frozen=True)
class RevmanPlan:
    """What :func:`plan_review` made of a review."""

    source: str
    title: str
    analyses: tuple[PlannedAnalysis, ...]
    left_out: tuple[LeftOut, ...] = field(default=())

    def planned(self, label: str) -> PlannedAnalysis | None:
        """The planned analysis of ``label`` (``None``: not planned)."""
        return next((a for a in self.analyses if a.label == label), None)

    def summary(self) -> str:
        """The planned analyses in a line, then every one not reproduced and why."""
        notes = [a for a in self.analyses if a.note]
        lines = [
            f"{self.source}: {len(self.analyses)} analyses planned "
            f"({len(self.analyses) - len(notes)} to reproduce RevMan's results)"
        ]
        if notes or self.left_out:
            lines.append("not reproduced:")
            lines += [f"  {a.label}: {a.note}" for a in notes]
            lines += [f"  {x.label}: {x.reason}" for x in self.left_out]
        return "\n".join(lines)


def _twice(rows: Sequence[StudyRow]) -> list[str]:
    return [name for name, n in Counter(r.study_name for r in rows).items() if n > 1]


def _note(outcome: Outcome, part: Subgroup | None, rows: Sequence[StudyRow]) -> str | None:
    stored = outcome.stored if part is None else part.stored
    if part is None and outcome.totals != "YES":
        return f"RevMan pools no total (TOTALS={outcome.totals})"
    if stored is None:
        return "RevMan stored no result"
    estimable = sum(r.estimable for r in rows)
    if estimable < 2:
        return (
            f"{estimable} estimable {'study' if estimable == 1 else 'studies'}: "
            "sysreview pools two or more"
        )
    return None


def _why_not(outcome: Outcome) -> str | None:
    if outcome.data_type == "IV":
        return "generic inverse variance: an estimate and its SE per study, no per-arm data"
    if outcome.swap_events:
        return "RevMan analyses the non-events (SWAP_EVENTS): the form holds events"
    if outcome.ci_total != _LEVEL:
        return f"RevMan's {outcome.ci_total:g}% confidence interval: the plan's is 95%"
    if not outcome.studies:
        return "no study rows"
    return None


def _plan_outcome(
    label: str, group: str, domain: str, comparison: str, outcome: Outcome
) -> tuple[list[PlannedAnalysis], list[LeftOut]]:
    why = _why_not(outcome)
    if why is not None:
        return [], [LeftOut(label, why)]
    planned: list[PlannedAnalysis] = []
    left: list[LeftOut] = []
    parts: list[tuple[str, str, Subgroup | None]] = []
    if outcome.totals == "YES" or not outcome.subgroups:
        parts.append((label, domain, None))
    for sub in outcome.subgroups:
        number = label.split(" ", 1)[0]
        parts.append((f"{number}.{sub.no} {sub.name}".strip(), f"{domain}_s{sub.no}", sub))
    for part_label, part_domain, part in parts:
        rows = outcome.studies if part is None else part.studies
        twice = _twice(rows)
        if twice:
            left.append(
                LeftOut(
                    part_label,
                    f"study {twice[0]!r} appears twice (RevMan counts it twice; "
                    "sysreview compares a study once per domain)",
                )
            )
        elif rows:
            note = _note(outcome, part, rows)
            planned.append(
                PlannedAnalysis(part_label, part_domain, group, comparison, outcome, part, note)
            )
    if outcome.subgroups and outcome.subgroup_test is not None and outcome.subgroup_test_flag:
        left.append(
            LeftOut(
                label,
                "test for subgroup differences: sysreview's subgroup analyses split studies "
                "by their attributes ([[analysis.subgroups]])",
            )
        )
    return planned, left


def plan_review(review: Review) -> RevmanPlan:
    """The review's analyses as protocol domains, and what is left out (module docstring)."""
    planned: list[PlannedAnalysis] = []
    left: list[LeftOut] = []
    for comparison in review.comparisons:
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            made, out = _plan_outcome(
                label,
                f"c{comparison.no}",
                f"c{comparison.no}_o{outcome.no}",
                comparison.name,
                outcome,
            )
            planned += made
            left += out
    left += [LeftOut(o, "not read by sysreview's RevMan reader") for o in review.skipped_outcomes]
    return RevmanPlan(PurePath(review.path).name, review.title, tuple(planned), tuple(left))


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _outcomes_toml(plan: RevmanPlan) -> str:
    lines: list[str] = []
    group = None
    for a in plan.analyses:
        if a.group != group:
            group = a.group
            number = group[1:]
            lines += ["[[outcomes.groups]]", f'name = "{group}"',
                      f"label = {_string(f'{number} {a.comparison}'.strip())}", ""]  # fmt: skip
        measure = _string(a.outcome.name or a.label)
        lines += [
            "[[outcomes.groups.domains]]",
            f'name = "{a.domain}"',
            f"label = {_string(a.label)}",
            f"measures = [{{ name = {measure}, higher_is_better = true, validated = true }}]",
            f'analysis = {{ measure = "{a.measure}", method = "{a.method}", '
            + f'model = "{a.model}" }}',
            "",
        ]
    return "\n".join(lines)


def protocol_text(plan: RevmanPlan) -> str:
    """The blank protocol template with the review's title and analyses as its plan.

    Everything else stays the template's (to fill in); the plan pools two or more studies
    (RevMan pools any number), with the comparator ``control``.

    Raises
    ------
    InputError
        The review has no analysis the plan can carry over (naming the file).
    """
    if not plan.analyses:
        raise InputError("no analysis of the review has per-arm data to load", source=plan.source)
    text = template_text("blank")
    start = text.index("[[outcomes.groups]]")
    end = text.index("# ---- Timepoints")
    header = (
        f"# The analyses of {plan.source}, as RevMan stored them (sysreview init "
        "--from-revman):\n# one group per comparison, one domain per analysis and subgroup.\n\n"
    )
    text = text[:start] + header + _outcomes_toml(plan) + "\n" + text[end:]
    text = text.replace('title = "TODO: title of the review"', f"title = {_string(plan.title)}", 1)
    old = 'types = [\n  { code = "TAU", label = "Treatment as usual" },\n]'
    new = f'types = [\n  {{ code = "{COMPARATOR}", label = "Control (RevMan\'s group 2)" }},\n]'
    text = text.replace(old, new, 1)
    return text.replace("min_studies = 3", "min_studies = 2", 1)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def derived_mapping(review: Review, protocol: Protocol, source: str) -> OutcomeMapping:
    """The mapping of ``review``'s analyses to the domains of ``protocol`` by their labels.

    A domain labelled as an analysis is (``"1.2 <name>"``, or a subgroup's ``"1.2.1
    <name>"``) takes its rows, with the domain's one measure; the control arms take the
    protocol's comparator code when it declares one (or ``control`` among several).

    Raises
    ------
    InputError
        Analyses with per-arm data that match no domain (naming them all), a matched
        domain with several measures, or a protocol with several comparator codes and
        none ``control``: a mapping file (``--mapping``) says which is which then.
    """
    codes = protocol.comparators.codes()
    if len(codes) == 1:
        comparator = codes[0]
    elif COMPARATOR in codes:
        comparator = COMPARATOR
    else:
        raise InputError(
            f"the protocol has several comparator codes ({', '.join(codes)}): give a "
            "mapping file (--mapping) saying which the file's control arms are",
            source=source,
        )
    domains = {_norm(d.label): d for _, d in protocol.outcomes.domains()}
    plan = plan_review(review)
    targets: dict[str, OutcomeTarget] = {}
    unmatched: list[str] = []
    for comparison in review.comparisons:
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            parts = [label] + [
                f"{label.split(' ', 1)[0]}.{s.no} {s.name}".strip() for s in outcome.subgroups
            ]
            found = False
            for part in parts:
                domain = domains.get(_norm(part))
                if domain is None:
                    continue
                if len(domain.measures) != 1:
                    raise InputError(
                        f"analysis {part}: domain {domain.name!r} declares "
                        f"{len(domain.measures)} measures; a mapping file (--mapping) "
                        "says which",
                        source=source,
                    )
                targets[part] = OutcomeTarget(domain.name, domain.measures[0].name, 0.0,
                                              comparator)  # fmt: skip
                found = True
            if (
                not found
                and _why_not(outcome) is None
                and any(a.outcome is outcome for a in plan.analyses)
            ):
                unmatched.append(label)
    if unmatched:
        shown = "; ".join(unmatched[:10]) + (" ..." if len(unmatched) > 10 else "")
        raise InputError(
            f"{len(unmatched)} analyses of the file match no domain of the protocol by "
            f"label ({shown}): label the domains so, or give a mapping file (--mapping)",
            source=source,
        )
    return OutcomeMapping(targets, comparator, source=f"the protocol's domains ({source})")


def mapping_toml(mapping: OutcomeMapping) -> str:
    """``mapping`` as an outcome mapping file (:func:`~sysreview.io.outcomes.read_outcome_mapping`).

    Examples
    --------
    >>> rule = OutcomeTarget("c1_o2", "Pain", 0.0, "control")
    >>> print(mapping_toml(OutcomeMapping({"1.2 Pain": rule}, "control")))
    # Which analysis of the RevMan file went to which domain (sysreview init --from-revman).
    comparator = "control"
    <BLANKLINE>
    [[outcomes]]
    outcome = "1.2 Pain"
    domain = "c1_o2"
    measure = "Pain"
    <BLANKLINE>
    """
    lines = [
        "# Which analysis of the RevMan file went to which domain (sysreview init --from-revman).",
        f"comparator = {_string(mapping.comparator)}",
        "",
    ]
    for label, target in mapping.targets.items():
        lines += [
            "[[outcomes]]",
            f"outcome = {_string(label)}",
            f"domain = {_string(target.domain)}",
            f"measure = {_string(target.measure)}",
        ]
        if target.comparator != mapping.comparator:
            lines.append(f"comparator = {_string(target.comparator)}")
        lines.append("")
    return "\n".join(lines)
