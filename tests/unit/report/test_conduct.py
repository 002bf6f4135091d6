"""Methods from the record, deviations, study tables and data notes (hand-made records)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from sysreview.report import ReportInputs, build_document, conduct, studies, transparency
from sysreview.report.figures import FigureContext, favours
from sysreview.report.record import (
    Alignment,
    CitedStudy,
    DataNote,
    PairAgreement,
    ProcessRecord,
    Reference,
    ReviewRecord,
    SearchRun,
    StageRecord,
)

SEARCHES = (
    SearchRun("PsycINFO", "database", "Ovid", date(2019, 7, 13), 4000, "psycinfo.ris",
              "# sysreview strategy peer version abc123\n1   peer*.ti,ab.\n", "peer", "abc123"),
    SearchRun("MEDLINE", "database", "PubMed", date(2019, 7, 14), 1234, "medline.txt"),
    SearchRun("ClinicalTrials.gov", "register", None, None, 12, "ctgov.csv"),
    SearchRun("Citation searching", "other", None, date(2019, 8, 1), 9, "citations.ris"),
)  # fmt: skip
RECORD = ReviewRecord(
    "9.9.9",
    searches=SEARCHES,
    screened=True,
    ta=StageRecord("ta", 4277, 428, ("R1", "R2"), resolved=3, agreement=(
        PairAgreement(("R1", "R2"), 428, 0.981, 0.62, (0.5, 0.74), 0.97, (0.95, 0.99)),)),
    ft=StageRecord("ft", 98, 20, ("R1", "R2")),
    extraction=ProcessRecord(5, 2, ("R1", "R2"), 1),
    appraisal=ProcessRecord(5, 1, ("R1", "R2"), 0, PairAgreement(
        ("R1", "R2"), 7, 1.0, None, None, 1.0, None)),
    included=(CitedStudy("Smith 2019", (Reference(text="Smith J. A trial. 2019."),)),),
    excluded=(CitedStudy("Doe 2015", (Reference(text="Doe. Not a trial. 2015."),),
                         "Not a randomised controlled trial"),),
    notes=(
        DataNote("hope.post_intervention.main", "Jones 2020", "sd_from_se", "sd from SE (x)"),
        DataNote("hope.post_intervention.main", "Lee 2018", "median", "mean/sd from median/IQR"),
        DataNote("hope.post_intervention.main", "Lee 2018", "sd_from_se", "sd from SE (x)"),
    ),
    alignments=(Alignment("hope.post_intervention.main", "Smith 2019", False, True,
                          "Herth Hope Index", {"mean_e": 36.0, "sd_e": 5.0, "n_e": 145,
                                               "mean_c": 34.0, "sd_c": 5.0, "n_c": 144}),),
    without_data=(("identity", "post_intervention"), ("identity", "short_term"),
                  ("hope", "long_term")),
)  # fmt: skip


@pytest.fixture
def recorded(inputs: ReportInputs) -> ReportInputs:
    return dataclasses.replace(inputs, conduct=RECORD)


def test_sources_come_from_the_import_log(recorded: ReportInputs) -> None:
    text = conduct.sources_paragraph(recorded)
    assert text.startswith(
        "We searched the databases PsycINFO (Ovid; 13 July 2019; 4,000 records) and MEDLINE "
        "(PubMed; 14 July 2019; 1,234 records). We searched the trial registers "
        "ClinicalTrials.gov (date not recorded; twelve records). Other methods: Citation "
        "searching "
        "(1 August 2019; nine records)."
    )
    appendix = dict(conduct.search_appendix(recorded))
    head = ("PsycINFO (Ovid), searched 13 July 2019, 4,000 records (file psycinfo.ris); "
            "strategy peer, version abc123. As run:")  # fmt: skip
    assert appendix[head] == "# sysreview strategy peer version abc123\n1   peer*.ti,ab."
    planned = next(h for h in appendix if h.startswith("MEDLINE"))
    assert planned.endswith("the protocol's planned strategy:")
    assert "Cochrane Highly Sensitive" in (appendix[planned] or "")


def test_without_imports_the_plan_is_labelled_as_such(inputs: ReportInputs) -> None:
    bare = dataclasses.replace(inputs, conduct=ReviewRecord("9.9.9"))
    assert conduct.sources_paragraph(bare).startswith(
        "No search results were imported into this review's project, so the searches cannot "
        "be described as run; the protocol planned PsycINFO (Ovid"
    )
    assert all("planned in the protocol" in h for h, _ in conduct.search_appendix(bare))
    assert conduct.deviations(bare)[0].startswith("No search results were imported")


def test_deviations_name_what_was_planned_and_not_done(recorded: ReportInputs) -> None:
    items = conduct.deviations(recorded)
    assert items[:4] == [
        "MEDLINE was planned through Ovid and searched through PubMed.",
        "Embase (Ovid) was planned but no search of it was imported; no reason was recorded "
        "in the project.",
        "Cochrane CENTRAL (Wiley) was planned but no search of it was imported; no reason was "
        "recorded in the project.",
        "The planned sensitivity analysis “Low overall risk of bias only” of hope at "
        "post-intervention was not possible: only two studies had low overall risk of bias "
        "(at least three needed).",
    ]
    assert items[-1] == "No study reported identity, so these planned outcomes have no results."
    # a reason recorded in review.toml's entry of the database is given
    from sysreview.protocol import parse_protocol, template_text

    text = template_text("group-peer-support").replace(
        'name = "Embase"\n', 'name = "Embase"\nnot_searched = "no access to Embase in 2019."\n'
    )
    protocol = parse_protocol(text)
    reasoned = conduct.deviations(dataclasses.replace(recorded, protocol=protocol))
    assert reasoned[1] == "Embase (Ovid) was planned but not searched: no access to Embase in 2019."


def test_selection_collection_and_appraisal_as_recorded(recorded: ReportInputs) -> None:
    policy, done = conduct.selection_paragraph(recorded)
    assert policy.startswith("The protocol's policy: titles and abstracts were screened")
    assert done.startswith(
        "At title and abstract, 4,277 records were decided (by R1 and R2); 428 of them by two "
        "reviewers independently, 3 settled by resolution. R1 and R2 agreed on 98.1% of 428 "
        "units both decided independently; Cohen's kappa 0.62 (95% CI 0.50 to 0.74), Gwet's "
        "AC1 0.97 (95% CI 0.95 to 0.99). At full text, 98 reports were decided"
    )
    assert conduct.collection_paragraph(recorded).endswith(
        "Data were extracted for five studies by R1 and R2; two were done by two reviewers "
        "independently, and agreed values were recorded for one."
    )
    rob = conduct.appraisal_paragraph(recorded) or ""
    assert "kappa not defined, Gwet's AC1 1.00" in rob
    assert "sysreview version 9.9.9 following RevMan 5 conventions" in (
        conduct.software_paragraph(recorded)
    )
    unscreened = dataclasses.replace(recorded, conduct=ReviewRecord("1"))
    assert "holds no screening decisions" in conduct.selection_paragraph(unscreened)[1]


def test_the_software_paragraph_names_the_libraries_that_computed(recorded: ReportInputs) -> None:
    assert recorded.conduct is not None
    versions = (("Python", "3.11.7"), ("numpy", "2.4.6"), ("scipy", "1.17.1"))
    with_libraries = dataclasses.replace(
        recorded, conduct=dataclasses.replace(recorded.conduct, libraries=versions)
    )
    assert conduct.software_paragraph(with_libraries).startswith(
        "Analyses were run with sysreview version 9.9.9 (Python 3.11.7, numpy 2.4.6, scipy "
        "1.17.1) following RevMan 5 conventions"
    )


def test_data_notes_are_summarised_and_lettered(recorded: ReportInputs) -> None:
    text = transparency.preparation_paragraph(recorded)
    assert "standard errors (SD = SE × √n; Cochrane Handbook section 6.5.2.2) for Jones 2020 " \
           "and Lee 2018" in text  # fmt: skip
    assert "(means by Luo et al. 2018, standard deviations by Wan et al. 2014" in text
    marks, notes = transparency.footnotes(recorded, "hope.post_intervention.main")
    assert marks == {"Jones 2020": ("a",), "Lee 2018": ("b", "a")}
    assert notes == (("a", "SD from SE (x)."), ("b", "Mean/SD from median/IQR."))
    none = dataclasses.replace(recorded, conduct=ReviewRecord("1"))
    assert transparency.preparation_paragraph(none).startswith("No value analysed was")
    frame, rows, _ = transparency.data_table(recorded, {"Smith 2019": "Smith 2019 [1]"})
    assert frame.iloc[0]["Study"] == "Smith 2019 [1]" and rows == ((),)
    assert frame.iloc[0]["Direction"] == "higher is better"
    assert frame.iloc[0]["Mean (I)"] == "36" and "Events (I)" not in frame.columns


def test_studies_tables_cite_and_panels_hold_every_characteristic(
    recorded: ReportInputs,
) -> None:
    refs = studies.reference_lists(recorded)
    assert refs.cited("Smith 2019") == "Smith 2019 [1]"
    assert refs.cited("Jones 2020") == "Jones 2020"  # the record holds no report of it
    assert refs.cited("Doe 2015", "excluded") == "Doe 2015 [2]"
    table = studies.characteristics_table(recorded, refs.cited)
    assert list(table.columns) == list(studies.TABLE1)
    assert table.iloc[0]["Study"] == "Smith 2019 [1]"
    assert table.iloc[0]["Participants"] == "severe"
    panel = studies.study_panels(recorded, refs.cited)[0]
    fields = dict(panel.rows)
    assert panel.title == "Smith 2019 [1]"
    assert "Mean age: 41.5; Women: 55%" in fields["Participants"]
    assert fields["Methods"].startswith("Randomised controlled trial. Country: USA")
    excluded = studies.cited_table(RECORD.excluded, refs, "excluded", "Reason")
    assert excluded.iloc[0].tolist() == ["Doe 2015 [2]", "Not a randomised controlled trial"]
    people = studies.participants_paragraph(recorded) or ""
    assert (
        "the median of the trials' mean ages was 41.5 years (range 41.5 to 41.5); 5 of 5" in people
    )
    assert "the median proportion of women was 55.0%" in people


def test_figure_context(recorded: ReportInputs) -> None:
    context = FigureContext.of(recorded)
    assert context.labels["Smith 2019"] == "Smith 2019 [1]"
    assert context.notes["hope.post_intervention.main"]["Lee 2018"] == (
        "Mean/SD from median/IQR.", "SD from SE (x).",
    )  # fmt: skip
    assert context.rob is not None and context.rob.domains[0] == ("A", "Random sequence generation")
    assert context.rob.judgements["Jones 2020"]["B"] == "unclear"
    assert favours(("Favours intervention", "Favours control"), "peer support") == (
        "Favours peer support",
        "Favours control",
    )
    assert favours(("Fewer events with intervention", "More events with intervention"), "X")[1] \
        == "More events with X"  # fmt: skip
    options = context.forest("hope.post_intervention.main", ("Favours control", "Favours "
                                                               "intervention"))  # fmt: skip
    assert options["labels"] == ("Favours control", "Favours group peer support")


def test_the_document_carries_the_record(recorded: ReportInputs) -> None:
    doc = build_document(recorded)
    text = doc.summary()
    assert "Methods: we searched PsycINFO, MEDLINE, ClinicalTrials.gov and Citation searching " \
           "up to 1 August 2019" in text  # fmt: skip
    assert "[Table 6. Characteristics of excluded studies: 1 row]" in text
    assert "Smith 2019: 1. Smith J. A trial. 2019." in text
    awaiting = doc.section("characteristics-awaiting")
    assert "No study awaits classification in this project's record." in str(awaiting.blocks)


def test_sd_from_t_and_p_are_footnoted_and_named_in_the_methods(recorded: ReportInputs) -> None:
    """SDs from a t statistic or P value (Cochrane Handbook 6.5.2.3) are their own kinds."""
    from sysreview.extraction.mean_sd import FLAG_P, FLAG_T

    analysis = "hope.post_intervention.main"
    assert recorded.conduct is not None
    notes = (DataNote(analysis, "Kim 2016", "sd_from_t", FLAG_T),
             DataNote(analysis, "Ng 2021", "sd_from_p", FLAG_P))  # fmt: skip
    with_tp = dataclasses.replace(
        recorded, conduct=dataclasses.replace(recorded.conduct, notes=notes)
    )
    text = transparency.preparation_paragraph(with_tp)
    assert ("standard deviations obtained from the t statistic of the difference in means "
            "(SE = MD / t, SD = SE / √(1/n₁ + 1/n₂), the same SD in both groups; Cochrane "
            "Handbook section 6.5.2.3) for Kim 2016") in text  # fmt: skip
    assert (
        "standard deviations obtained from the two-sided P value of the difference in "
        "means (t from the t distribution with n₁ + n₂ − 2 degrees of freedom"
    ) in text
    assert "Cochrane Handbook section 6.5.2.3) for Ng 2021" in text
    assert "confidence intervals" not in text
    marks, footnotes = transparency.footnotes(with_tp, analysis)
    assert marks == {"Kim 2016": ("a",), "Ng 2021": ("b",)}
    assert footnotes[0][1].startswith("SD from t statistic of the difference in means")
    assert footnotes[1][1].startswith("SD from P value of the difference in means")
    assert all("6.5.2.3" in t for _, t in footnotes)
