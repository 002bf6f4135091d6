"""Methods as the review was conducted: from the project's record, not the plan alone.

- :func:`sources_paragraph` — information sources from the import log: each source with
  its interface, date searched and hits;
- :func:`search_appendix` — each search as run (the strategy text imported with it,
  line-numbered as sysreview rendered it, with the strategy's version), else what the
  protocol planned, labelled as such;
- :func:`selection_paragraph`, :func:`collection_paragraph`, :func:`appraisal_paragraph` —
  the policy applied (the protocol's) and what was done: units decided, how many by two
  reviewers, the agreement measured (Cohen's kappa and Gwet's AC1 with their intervals);
- :func:`software_paragraph` — sysreview's version and the statistical conventions;
- :func:`deviations` — what the protocol planned and the project does not hold: a database
  not searched, a source searched that was not planned, an analysis not possible (with
  the reason recorded), an outcome with no data.

Nothing is computed: every count and statistic is a value of the record.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby

from sysreview.protocol import Protocol
from sysreview.protocol.review import Database

from .inputs import ReportInputs
from .methods import screening_paragraph
from .record import PairAgreement, ProcessRecord, ReviewRecord, SearchRun, StageRecord
from .words import (
    analysis_label,
    date_text,
    fmt_num,
    join_words,
    lower_first,
    number_word,
    outcome_label,
    plural,
    timepoint_label,
)

KIND_WORDS = {"database": "databases", "register": "trial registers", "other": "other methods"}


def _count(n: int) -> str:
    return f"{n:,}"


def _run(run: SearchRun) -> str:
    parts = [run.interface] if run.interface else []
    parts.append(date_text(run.date) if run.date else "date not recorded")
    parts.append(plural(run.hits, "record").replace(str(run.hits), _count(run.hits)))
    return f"{run.source} ({'; '.join(parts)})"


def sources_paragraph(inputs: ReportInputs) -> str:
    """Information sources: what the import log holds, else the protocol's plan (said so)."""
    p = inputs.protocol
    record = inputs.conduct
    runs = record.searches if record is not None else ()
    if not runs:
        planned = join_words(
            [f"{d.name} ({d.interface}, from {d.coverage}, planned for {date_text(d.searched)})"
             for d in p.search.databases]
        )  # fmt: skip
        text = (
            "No search results were imported into this review's project, so the searches "
            f"cannot be described as run; the protocol planned {planned}."
        )
        if inputs.prisma is not None:
            text += " The study selection counts are given as the project holds them."
        return text
    out = []
    for kind in ("database", "register", "other"):
        these = [r for r in runs if r.kind == kind]
        if not these:
            continue
        what = {"database": "We searched the databases", "register": "We searched the trial "
                "registers", "other": "Other methods"}[kind]  # fmt: skip
        sep = ":" if kind == "other" else ""
        out.append(f"{what}{sep} {join_words([_run(r) for r in these])}.")
    limits = p.search.language_limits
    out.append(
        f"The protocol limited the searches to {join_words(list(limits), 'or')}."
        if limits
        else "The protocol set no language limits."
    )
    out.append(
        "Each search is given in the appendix as it was run (the strategy imported with its "
        "results)."
    )
    return " ".join(out)


def search_appendix(inputs: ReportInputs) -> list[tuple[str, str | None]]:
    """``(heading, strategy text or None)`` per search.

    The strategy as run when the import holds its text, else the protocol's planned
    strategy of that database, labelled as planned.
    """
    record = inputs.conduct
    runs = record.searches if record is not None else ()
    planned = {_key(d.name): d for d in inputs.protocol.search.databases}
    out: list[tuple[str, str | None]] = []
    for run in runs:
        head = f"{run.label}, searched {date_text(run.date) if run.date else '(date not recorded)'}"
        head += f", {_count(run.hits)} records (file {run.file})"
        if run.query:
            if run.strategy:
                head += f"; strategy {run.strategy}, version {run.version}"
            out.append((head + ". As run:", run.query.strip()))
            continue
        plan = _planned_for(run.source, planned)
        if plan is not None:
            out.append((head + ". The strategy as run was not imported with the results; "
                        "the protocol's planned strategy:", plan.strategy.strip()))  # fmt: skip
        else:
            out.append((head + ". The strategy as run was not imported with the results.", None))
    if not runs:
        for d in inputs.protocol.search.databases:
            head = (
                f"{d.name} ({d.interface}), planned in the protocol (from {d.coverage} "
                f"to {date_text(d.searched)}); no search was imported into the project:"
            )
            out.append((head, d.strategy.strip()))
    return out


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.casefold()).strip()


def _planned_for(source: str, planned: dict[str, Database]) -> Database | None:
    key = _key(source)
    for name, db in planned.items():
        if name and (name in key or key in name):
            return db
    return None


def _agreement(a: PairAgreement) -> str:
    level = f"{a.level * 100:g}%"
    kappa = "kappa not defined" if a.kappa is None else f"Cohen's kappa {fmt_num(a.kappa)}"
    if a.kappa is not None and a.kappa_ci is not None:
        kappa += f" ({level} CI {fmt_num(a.kappa_ci[0])} to {fmt_num(a.kappa_ci[1])})"
    ac1 = f"Gwet's AC1 {fmt_num(a.ac1)}"
    if a.ac1_ci is not None:
        ac1 += f" ({level} CI {fmt_num(a.ac1_ci[0])} to {fmt_num(a.ac1_ci[1])})"
    return (
        f"{a.reviewers[0]} and {a.reviewers[1]} agreed on {a.percent * 100:.1f}% of "
        f"{_count(a.n)} {'unit' if a.n == 1 else 'units'} both decided independently; "
        f"{kappa}, {ac1}"
    )


def _stage(stage: StageRecord, what: str, items: str) -> str:
    who = join_words(list(stage.reviewers)) or "no reviewer"
    text = (
        f"At {what}, {_count(stage.units)} {items} were decided (by {who}); "
        f"{_count(stage.dual)} of them by two reviewers independently"
    )
    if stage.resolved:
        text += f", {_count(stage.resolved)} settled by resolution"
    if stage.conflicts:
        text += f", and {_count(stage.conflicts)} disagreements were still unresolved"
    text += "."
    if stage.agreement:
        text += " " + "; ".join(_agreement(a) for a in stage.agreement) + "."
    return text


def selection_paragraph(inputs: ReportInputs) -> list[str]:
    """The selection policy (the protocol's) and the selection as recorded."""
    policy = "The protocol's policy: " + lower_first(screening_paragraph(inputs.protocol.screening))
    record = inputs.conduct
    if record is None or not record.screened:
        return [policy, "The project holds no screening decisions of its own, so the selection "
                "as done (numbers decided, dual screening, agreement) cannot be reported from "
                "it."]  # fmt: skip
    done = []
    if record.ta is not None:
        done.append(_stage(record.ta, "title and abstract", "records"))
    if record.ft is not None and record.ft.units:
        done.append(_stage(record.ft, "full text", "reports"))
    done.append(
        "Agreement compares each reviewer's independent decisions (made before seeing the "
        "other's), with Cohen's kappa (Fleiss, Cohen & Everitt 1969 standard error) and "
        "Gwet's AC1 (Gwet 2008). Decisions were recorded in sysreview; no record was "
        "excluded automatically."
    )
    return [policy, " ".join(done)]


def _process(process: ProcessRecord, what: str, unit: str) -> str:
    who = join_words(list(process.reviewers))
    text = (
        f"{what} for {plural(process.studies, unit, nouns=unit[:-1] + 'ies')} by {who}; "
        f"{number_word(process.by_two)} {'was' if process.by_two == 1 else 'were'} done "
        "by two reviewers independently"
    )
    if process.consensus:
        text += f", and agreed values were recorded for {number_word(process.consensus)}"
    return text + "."


def collection_paragraph(inputs: ReportInputs) -> str:
    """Data collection as recorded (PRISMA item 9)."""
    record = inputs.conduct
    process = record.extraction if record is not None else None
    form = (
        "Data were collected with sysreview's extraction form, generated from the protocol "
        "(study characteristics, arms, and each outcome's numbers at every timepoint, with "
        "the report and location each value came from)."
    )
    if process is None:
        files = "; ".join(inputs.data_files) if inputs.data_files else ""
        if files:
            return (f"Study data were loaded from a data file of another format rather than "
                    f"extracted with the review's forms: {files}.")  # fmt: skip
        return (
            f"{form} The project holds no record of who extracted the data of the "
            f"{plural(len(inputs.data.studies), 'study', nouns='studies')} analysed."
        )
    return f"{form} {_process(process, 'Data were extracted', 'study')}"


def appraisal_paragraph(inputs: ReportInputs) -> str | None:
    """Risk-of-bias assessment as recorded, with the appraisers' agreement."""
    record = inputs.conduct
    process = record.appraisal if record is not None else None
    if process is None:
        return None
    text = _process(process, "Risk of bias was assessed", "study")
    if process.agreement is not None:
        text += f" Over domain judgements, {_agreement(process.agreement)}."
    return text


CONVENTIONS = {
    "revman": (
        "RevMan 5 conventions: Hedges' g with RevMan's small-sample correction and variance, "
        "DerSimonian and Laird's between-study variance with Mantel-Haenszel for risk and "
        "odds ratios, I² from Cochran's Q, 0.5 added to every cell of a study with a zero "
        "cell"
    ),
    "metafor": (
        "R metafor conventions (escalc and rma defaults): exact Hedges' correction, restricted "
        "maximum likelihood, I² from tau²"
    ),
}


def software_paragraph(inputs: ReportInputs) -> str:
    """Sysreview's version, the libraries' versions and the statistical conventions used."""
    a = inputs.protocol.analysis
    version = inputs.conduct.version if inputs.conduct is not None else None
    name = "sysreview" + (f" version {version}" if version else "")
    libraries = inputs.conduct.libraries if inputs.conduct is not None else ()
    if libraries:
        name += " (" + ", ".join(f"{lib} {v}" for lib, v in libraries) + ")"
    return (
        f"Analyses were run with {name} following {CONVENTIONS[a.convention.value]}. "
        "Confidence intervals for tau², I² and H² are Q-profile intervals (Viechtbauer "
        "2007); prediction intervals use a t distribution with k − 2 degrees of freedom "
        "(Higgins 2009)."
    )


def _planned_not_run(protocol: Protocol, record: ReviewRecord) -> list[str]:
    if not record.searches:
        return ["No search results were imported into the project: the planned searches "
                "cannot be shown to have been run."]  # fmt: skip
    out = []
    for d in protocol.search.databases:
        key = _key(d.name)
        runs = [r for r in record.searches if key in _key(r.source) or _key(r.source) in key]
        if not runs:
            why = (
                f"not searched: {d.not_searched.rstrip('. ')}."
                if d.not_searched
                else "no search of it was imported; no reason was recorded in the project."
            )
            out.append(f"{d.name} ({d.interface}) was planned but {why}")
            continue
        used = {r.interface for r in runs if r.interface}
        if used and _key(d.interface) not in {_key(i) for i in used}:
            out.append(f"{d.name} was planned through {d.interface} and searched through "
                       f"{join_words(sorted(used))}.")  # fmt: skip
    planned = [_key(d.name) for d in protocol.search.databases]
    for run in record.searches:
        if run.kind != "database":
            continue
        key = _key(run.source)
        if not any(key in p or p in key for p in planned):
            out.append(f"{run.source} was searched but is not among the protocol's databases.")
    return list(dict.fromkeys(out))


def deviations(inputs: ReportInputs) -> list[str]:
    """Differences between the protocol's plan and what the project holds, one per item."""
    out = _planned_not_run(inputs.protocol, inputs.conduct) if inputs.conduct is not None else []
    for rec in inputs.results:
        if rec.reason is None or rec.kind == "narrative":
            continue
        what = f"{lower_first(outcome_label(inputs.protocol, rec.outcome))} at " \
               f"{timepoint_label(rec.timepoint)}"  # fmt: skip
        name = "meta-analysis" if rec.kind == "main" else f"{rec.kind} analysis"
        label = "" if rec.kind == "main" else f" “{analysis_label(inputs.protocol, rec)}”"
        out.append(f"The planned {name}{label} of {what} was not possible: "
                   f"{rec.reason.rstrip('. ')}.")  # fmt: skip
    for rec in inputs.of_kind("narrative"):
        if rec.reason is not None:
            out.append(f"The planned meta-analysis of "
                       f"{lower_first(outcome_label(inputs.protocol, rec.outcome))} at "
                       f"{timepoint_label(rec.timepoint)} was not possible: "
                       f"{rec.reason.rstrip('. ')}; its studies are summarised "
                       "narratively.")  # fmt: skip
    missing = no_data_outcomes(inputs)
    if missing:
        out.append(f"No study reported {join_words(missing)}, so these planned outcomes "
                   "have no results.")  # fmt: skip
    return out


def reporting_bias_methods(protocol: Protocol) -> str:
    """How bias from missing results was assessed: what the synthesis runs, and when."""
    need = protocol.analysis.funnel_min_studies
    return (
        f"For main meta-analyses of at least {need} studies we drew funnel plots and tested "
        "their asymmetry with Egger's regression test (a meta-regression of the effects on "
        "their standard errors with the analysis's own model and between-study variance "
        "estimator, z test: the default of metafor's regtest) and Begg's rank correlation "
        "test, and estimated the number of missing studies with Duval and Tweedie's trim and "
        "fill (L0 estimator, the side of the missing studies from Egger's regression, the "
        "filled analysis pooled with the same model). With fewer studies these were not done "
        "(Cochrane Handbook section 13.3.5.4)."
    )


def no_data_outcomes(inputs: ReportInputs) -> list[str]:
    """The protocol's outcomes no study reported at any timepoint.

    The timepoints of outcomes reported at some timepoints only are not listed.
    """
    record = inputs.conduct
    if record is None or not record.without_data:
        return []
    reported = {r.outcome for r in inputs.results}
    names = [d for d, _ in record.without_data if d not in reported]
    return [lower_first(outcome_label(inputs.protocol, d)) for d, _ in groupby(names)]


def reviewers_named(names: Sequence[str], protocol: Protocol) -> list[str]:
    """Reviewer ids as the protocol names them (``"R1 (Reviewer 1)"``)."""
    known = {r.id: r.name for r in protocol.review.reviewers}
    return [f"{n} ({known[n]})" if known.get(n) and known[n] != n else n for n in names]


__all__ = [
    "appraisal_paragraph",
    "collection_paragraph",
    "deviations",
    "no_data_outcomes",
    "reporting_bias_methods",
    "search_appendix",
    "selection_paragraph",
    "software_paragraph",
    "sources_paragraph",
]
