"""Drafted text: exact sentences from hand-made records; every number follows its record."""

from __future__ import annotations

import dataclasses

import pytest

from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.report import Direction, NarrativeRow, ReportInputs, ResultRecord
from sysreview.report import text as t
from sysreview.report.tables import participants
from sysreview.report.words import fmt_num, fmt_p, lower_first, number_word

from .conftest import prisma_counts


def _with(
    inputs: ReportInputs, analysis: str, **changes: object
) -> tuple[ReportInputs, ResultRecord]:
    rec = dataclasses.replace(inputs.record(analysis), **changes)  # type: ignore[arg-type]
    results = tuple(rec if r.analysis == analysis else r for r in inputs.results)
    return dataclasses.replace(inputs, results=results), rec


def _edited(*pairs: str) -> Protocol:
    """The seed template with ``old, new, old, new, ...`` replaced (each must occur)."""
    toml = template_text("group-peer-support")
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in toml
        toml = toml.replace(old, new)
    return parse_protocol(toml)


def test_seed_style_main_sentence(inputs: ReportInputs) -> None:
    rec = inputs.record("hope.post_intervention.main")
    assert t.result_sentence(inputs, rec) == (
        "Five trials (n = 612) reported hope at post-intervention; there was strong evidence "
        "for a small effect favouring group peer support (SMD 0.22, 95% CI 0.07 to 0.37, "
        "p = 0.004; I² = 12%)."
    )


def test_no_evidence_sentence_has_true_minus(inputs: ReportInputs) -> None:
    rec = inputs.record("recovery.post_intervention.main")
    assert t.result_sentence(inputs, rec) == (
        "Three trials (n = 412) reported recovery at post-intervention; there was no evidence "
        "of an effect (MD 0.18, 95% CI −0.34 to 0.69, p = 0.50; I² = 0%)."
    )


def test_substantial_heterogeneity_and_favouring_control(inputs: ReportInputs) -> None:
    rec = inputs.record("depression.short_term.main")
    assert t.result_sentence(inputs, rec) == (
        "Four trials (n = 500) reported depression at short-term follow-up; there was weak "
        "evidence for a small effect favouring control (SMD −0.45, 95% CI −0.80 to −0.10, "
        "p = 0.01; I² = 67%), and heterogeneity was substantial."
    )


def test_impossible_analysis_reports_its_reason(inputs: ReportInputs) -> None:
    rec = inputs.record("hope.post_intervention.sensitivity.low_rob")
    assert t.result_sentence(inputs, rec) == (
        "The planned sensitivity analysis “Low overall risk of bias only” of hope at "
        "post-intervention was not possible: only two studies had low overall risk of bias "
        "(at least three needed)."
    )


def test_sensitivity_sentence(inputs: ReportInputs) -> None:
    rec = inputs.record("hope.post_intervention.sensitivity.tau_only")
    sentence = t.result_sentence(inputs, rec)
    assert sentence.startswith("In the sensitivity analysis “TAU comparators only")
    assert sentence.endswith(
        "four trials (n = 550) contributed to hope at post-intervention; there was very strong "
        "evidence for a small effect favouring group peer support (SMD 0.25, 95% CI 0.08 to "
        "0.42, p < 0.001; I² = 0%)."
    )


def test_subgroup_sentence_gives_each_level_and_the_test(inputs: ReportInputs) -> None:
    rec = inputs.record("hope.post_intervention.subgroup.severity")
    assert t.result_sentence(inputs, rec) == (
        "In the subgroup analysis “Severe mental health conditions vs others” of hope at "
        "post-intervention (five trials, n = 612): severe, three trials, SMD 0.30 (95% CI 0.05 "
        "to 0.55); other, two trials, SMD 0.10 (95% CI −0.20 to 0.40). There was no evidence "
        "of a difference between subgroups (Chi² = 1.04, df = 1, p = 0.31)."
    )
    one_level = dataclasses.replace(rec, subgroups=rec.subgroups[:1], subgroup_test=None)
    assert t.result_sentence(inputs, one_level).endswith("(95% CI 0.05 to 0.55).")


def test_small_study_sentence(inputs: ReportInputs) -> None:
    rec = inputs.record("quality_of_life.post_intervention.main")
    assert t.small_study_sentence(inputs, rec) == (
        "Funnel-plot asymmetry in quality of life at post-intervention (twelve trials, "
        "n = 1500): Egger's test p = 0.29 and Begg's test p = 0.41."
    )
    assert t.small_study_sentence(inputs, inputs.record("hope.post_intervention.main")) is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"k": 7, "participants": 901}, "Seven trials (n = 901) reported hope"),
        ({"estimate": 0.31, "ci_low": 0.11, "ci_high": 0.52}, "(SMD 0.31, 95% CI 0.11 to 0.52"),
        ({"p": 0.0421, "evidence": "weak"}, "there was weak evidence for a small effect"),
        ({"p": 0.0421}, "p = 0.04;"),
        ({"i2": 55.2}, "I² = 55%), and heterogeneity was substantial."),
        ({"magnitude": "medium"}, "for a medium effect favouring"),
        ({"magnitude": None}, "strong evidence for an effect favouring"),
        ({"k": 23, "participants": None}, "23 trials reported hope"),
    ],
)
def test_every_number_comes_from_the_record(
    inputs: ReportInputs, changes: dict[str, object], expected: str
) -> None:
    changed, rec = _with(inputs, "hope.post_intervention.main", **changes)
    assert expected in t.result_sentence(changed, rec)
    assert expected not in t.result_sentence(inputs, inputs.record(rec.analysis))


def test_benefit_sign_negative_flips_who_is_favoured(inputs: ReportInputs) -> None:
    protocol = _edited('benefit_sign = "positive"', 'benefit_sign = "negative"')
    flipped = dataclasses.replace(inputs, protocol=protocol)
    rec = dataclasses.replace(inputs.record("depression.short_term.main"), favours=None)
    assert "small effect favouring control" in t.result_sentence(inputs, rec)
    assert "small effect favouring group peer support" in t.result_sentence(flipped, rec)


def test_narrative_paragraph(inputs: ReportInputs) -> None:
    rid = "connectedness.post_intervention.narrative"
    text = t.narrative_paragraph(inputs, inputs.record(rid), inputs.narrative[rid])
    assert text == (
        "Two trials reported connectedness at post-intervention; a meta-analysis was not "
        "possible because only two studies had usable data (at least three needed), so "
        "findings are summarised narratively. Smith 2019 found a result favouring group peer "
        "support on the UCLA Loneliness Scale (MD −3.10 (95% CI −5.00 to −1.20); reported "
        "p = 0.002); Jones 2020 found a result favouring control on the UCLA Loneliness Scale "
        "(MD 0.40; p not reported)."
    )
    no_reason = dataclasses.replace(inputs.record(rid), reason=None, k=None)
    rows = (NarrativeRow("Lee 2018", Direction.NONE, "MD 0.00", "p = 1"),)
    assert t.narrative_paragraph(inputs, no_reason, rows) == (
        "Two trials reported connectedness at post-intervention, too few to pool (at least "
        "three are needed), so findings are summarised narratively. Lee 2018 found no clear "
        "difference between groups (MD 0.00; p = 1)."
    )


def test_study_selection_paragraph() -> None:
    assert t.study_selection_paragraph(prisma_counts()) == (
        "The searches identified 7423 records (7198 from databases, 125 from registers and "
        "100 from other methods). After removing 3146 duplicates, 4277 records were screened "
        "by title and abstract and 4179 were excluded. Of 98 reports sought for retrieval, 0 "
        "could not be retrieved; 98 were assessed in full text and 87 were excluded (not group "
        "peer support, 50; not a randomised controlled trial, 37). Eight studies (eleven "
        "reports) were included."
    )
    assert t.study_selection_paragraph(None) == (
        "Study selection counts were not derived for this report."
    )


def test_counts_and_data_from_other_sources_are_said_so() -> None:
    counts = dataclasses.replace(prisma_counts(), other_sources=("Covidence export (2023)",))
    assert t.study_selection_paragraph(counts).endswith(
        "Eight studies (eleven reports) were included. These counts include counts of "
        "identification and screening done outside this review, as reported by its source "
        "rather than derived from the review's own records and decisions: Covidence export "
        "(2023)."
    )
    two = dataclasses.replace(counts, other_sources=("A (2020)", "B (2021)"))
    assert "as reported by their sources rather than" in t.study_selection_paragraph(two)
    assert "A (2020); B (2021)." in t.study_selection_paragraph(two)
    assert t.data_files_sentence([]) is None
    assert t.data_files_sentence(["a.csv (metafor-csv format; values of R1)", "b.rm5"]) == (
        "Study data were loaded from data files of another format rather than extracted from "
        "the reports with the review's forms: a.csv (metafor-csv format; values of R1); b.rm5."
    )


def test_studies_and_rob_paragraphs(inputs: ReportInputs, protocol: Protocol) -> None:
    n = participants(inputs)
    assert n["Smith 2019"] == 298
    assert t.studies_paragraph(inputs, n) == (
        "Five trials were included, with 672 participants randomised (Table 1)."
    )
    assert t.studies_paragraph(inputs, {**n, "Lee 2018": None}) == (
        "Five trials were included; 591 participants were randomised in the four trials that "
        "reported it (Table 1)."
    )
    assert t.rob_results_paragraph(protocol, inputs.rob) == (
        "Overall, two trials were at low risk of bias, two at unclear risk and one at high risk."
    )
    assert t.rob_results_paragraph(protocol, None).startswith("Risk-of-bias judgements were not")


def test_methods_from_protocol(protocol: Protocol) -> None:
    assert t.search_paragraph(protocol).startswith(
        "We searched PsycINFO (Ovid), MEDLINE (Ovid), Embase (Ovid) and Cochrane CENTRAL "
        "(Wiley) from inception to 13 July 2019, with no language limits. Other sources: "
        "ClinicalTrials.gov, WHO ICTRP,"
    )
    screening = t.screening_paragraph(protocol.screening)
    assert "the first 10% were also screened by a second reviewer, independently" in screening
    # SEED §3/§5: the random samples and the seed that reproduces them are reported
    assert (
        "assessed all of the included and a random 10% (seed 20190713) of the excluded reports"
        in screening
    )
    rob = t.rob_methods_paragraph(protocol)
    assert "(RoB 1) in seven domains" in rob
    assert "A second reviewer checked a random 10% (seed 20190713) of the assessments." in rob
    assert (
        "attrition imbalanced between arms (arm attrition differing by more than 10 percentage "
        "points) was judged at high risk, and overall attrition above 20% with no description "
        "of drop-outs at unclear risk" in rob
    )
    assert "Overall risk of bias was low only when every domain was at low risk" in rob
    synthesis = " ".join(t.synthesis_paragraphs(protocol))
    for phrase in (
        "When at least three studies had usable data",
        "random-effects meta-analysis (inverse-variance method, DerSimonian and Laird",
        "the mean difference (MD) when all studies measured an outcome with the same instrument",
        "the standardised mean difference (SMD, Hedges' g) otherwise",
        "I² above 50% was taken as substantial",
        "p ≥ 0.1 no evidence, 0.01 ≤ p < 0.1 weak, 0.001 ≤ p < 0.01 strong and p < 0.001 very",
    ):
        assert phrase in synthesis
    from sysreview.report.conduct import reporting_bias_methods

    bias = reporting_bias_methods(protocol)
    assert "at least 10 studies" in bias and "trim and fill" in bias
    assert "three sensitivity analyses" in (t.sensitivity_paragraph(protocol) or "")
    assert "structured vs unstructured" in (t.subgroup_paragraph(protocol) or "")


def test_methods_say_first_when_the_samples_are_not_random() -> None:
    first = _edited(
        'selection = "random"             #', 'selection = "first"  #',
        "seed = 20190713                  #", "#",
        'second_reviewer_selection = "random"', 'second_reviewer_selection = "first"',
        "second_reviewer_seed = 20190713", "",
    )  # fmt: skip
    screening = t.screening_paragraph(first.screening)
    assert "assessed all of the included and 10% of the excluded reports" in screening
    rob = t.rob_methods_paragraph(first)
    assert "A second reviewer checked 10% of the assessments." in rob
    assert "seed" not in screening + rob


def test_methods_follow_protocol_values() -> None:
    changed = _edited(
        "min_studies = 3", "min_studies = 4",
        "substantial_i2 = 50", "substantial_i2 = 40",
        'tau2_method = "DL"', 'tau2_method = "REML"',
    )  # fmt: skip
    synthesis = " ".join(t.synthesis_paragraphs(changed))
    assert "When at least four studies" in synthesis
    assert "I² above 40%" in synthesis
    assert "restricted maximum likelihood" in synthesis


def test_words() -> None:
    assert [number_word(n, True) for n in (1, 5, 12, 21)] == ["One", "Five", "Twelve", "21"]
    assert fmt_num(-0.004) == "0.00"
    assert fmt_num(-1.256) == "−1.26"
    assert [fmt_p(p) for p in (0.5, 0.049, 0.0099, 0.00999, 0.0996, 0.00099)] == [
        "p = 0.50", "p = 0.05", "p = 0.0099", "p = 0.00999", "p = 0.0996", "p < 0.001",
    ]  # fmt: skip
    assert lower_first("Hope") == "hope"
    assert lower_first("CES-D scores") == "CES-D scores"


def test_ratio_measures_name_nobody_unless_the_record_says(inputs: ReportInputs) -> None:
    changed, rec = _with(
        inputs, "hope.post_intervention.main", measure="RR", estimate=0.8, ci_low=0.7,
        ci_high=0.9, magnitude=None,
    )  # fmt: skip
    unknown = dataclasses.replace(rec, favours=None)
    assert "strong evidence for an effect (RR 0.80, 95% CI 0.70 to 0.90" in t.result_sentence(
        changed, unknown
    )
    # below the null line: the left label (events that are good / bad)
    assert "an effect favouring control (RR 0.80" in t.result_sentence(changed, rec)
    harm = dataclasses.replace(rec, favours=("Favours intervention", "Favours control"))
    assert "an effect favouring group peer support (RR 0.80" in t.result_sentence(changed, harm)
    mixed = dataclasses.replace(rec, favours=("Fewer events", "More events"))
    assert "evidence for an effect (RR 0.80" in t.result_sentence(changed, mixed)


def test_an_update_states_the_previous_version_and_the_total() -> None:
    counts = dataclasses.replace(prisma_counts(), previous_studies=5, previous_reports=7)
    assert t.study_selection_paragraph(counts).endswith(
        "Eight new studies (eleven reports) were included; with the five studies (seven "
        "reports) included in the previous version of the review, the review includes thirteen "
        "studies (eighteen reports) in total."
    )
    assert "new studies" not in t.study_selection_paragraph(prisma_counts())


def test_methods_say_which_domains_were_judged_per_outcome() -> None:
    assert "judged for each outcome" not in t.rob_methods_paragraph(_edited())
    per = _edited("attrition_imbalance = 0.10\n", "attrition_imbalance = 0.10\n"
                  'outcome_level_domains = ["blinding_outcome_assessment"]\n')  # fmt: skip
    assert (
        "Blinding of outcome assessment was also judged for each outcome where the study's "
        "judgement did not apply to all outcomes; an outcome's analyses and certainty rating "
        "used its own overall rating." in t.rob_methods_paragraph(per)
    )
