"""Every mistake names its key path, the value, what is allowed, and its line."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import InputError
from sysreview.protocol import ProtocolError, load_protocol, parse_protocol
from sysreview.vocab import Tau2Method
from tests.unit.protocol.util import BLANK, SEED, edit, line_with, only_problem, problems

ATTRIBUTES = (
    "study_id, year, published, country, setting, population, intervention_type, "
    "intervention_structured, comparator, n_arms, n_randomised, attrition, dropouts_described, "
    "duration_weeks, "
    "overall_rob, measure, measure_validated, timepoint"
)


def test_bad_choice_names_key_value_allowed_values_and_line() -> None:
    text = edit(SEED, 'tau2_method = "DL"', 'tau2_method = "REM"')
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text)
    line = line_with(text, "tau2_method")
    assert str(info.value) == (
        f"review.toml, line {line}: analysis.tau2_method = 'REM': "
        "must be one of DL, REML, ML, PM, EB, SJ, HE"
    )
    assert isinstance(info.value, InputError) and info.value.line == line


def test_choices_are_case_insensitive() -> None:
    text = edit(SEED, 'tau2_method = "DL"', 'tau2_method = "reml"')
    assert parse_protocol(text).analysis.tau2_method.value == "REML"


def test_wrong_type_is_not_converted() -> None:
    text = edit(SEED, "min_studies = 3", 'min_studies = "3"')
    p = only_problem(text)
    assert (p.key, p.value, p.message) == ("analysis.min_studies", "3", "must be an integer")
    assert p.line == line_with(text, 'min_studies = "3"')
    text = edit(
        BLANK, 'blind = true\nresolution = "arbiter"\n\n', 'blind = 1\nresolution = "arbiter"\n\n'
    )
    p = only_problem(text)
    assert (p.value, p.line) == (1, line_with(text, "blind = 1"))
    assert (p.key, p.message) == ("screening.title_abstract.blind", "must be true or false")


def test_unknown_key_in_a_table_lists_the_allowed_keys() -> None:
    text = edit(SEED, "[analysis]\n", '[analysis]\ntau2 = "DL"\n')
    p = only_problem(text)
    assert p.format("review.toml") == (
        f"review.toml, line {line_with(text, 'tau2 =')}: analysis.tau2 = 'DL': unknown key; "
        "allowed keys: model, method, tau2_method, ci_method, level, convention, "
        "effect_measure, benefit_sign, min_studies, substantial_i2, funnel_min_studies, "
        "evidence, magnitude, sensitivity, subgroups, metaregression"
    )


def test_unknown_key_in_an_array_of_tables_and_an_inline_table() -> None:
    text = edit(SEED, 'name = "Reviewer 2"\n', 'name = "Reviewer 2"\nemail = "x@y.z"\n')
    p = only_problem(text)
    assert (p.key, p.line) == ("review.reviewers[1].email", line_with(text, "email"))
    assert p.message == "unknown key; allowed keys: id, name, roles"
    text = edit(SEED, '{ name = "GAD-7",', '{ name = "GAD-7", range = 21,')
    p = only_problem(text)
    assert p.key == "outcomes.groups[1].domains[2].measures[0].range"
    assert (p.value, p.line) == (21, line_with(text, "GAD-7"))


def test_missing_key_points_at_its_table() -> None:
    text = edit(
        SEED, 'population = "Adults (18 or over) experiencing mental health conditions"\n', ""
    )
    p = only_problem(text)
    assert p.format("review.toml") == (
        f"review.toml, line {line_with(text, '[review.question]')}: "
        "review.question.population: required key is missing"
    )


def test_missing_table_has_no_line() -> None:
    p = only_problem(BLANK[: BLANK.index("# ---- Screening")])
    assert p.format("review.toml") == "review.toml: screening: required table is missing"
    assert p.line is None


def test_duplicate_domain_across_groups() -> None:
    text = edit(SEED, 'name = "anxiety"', 'name = "hope"')
    p = only_problem(text)
    second = [i for i, line in enumerate(text.splitlines(), 1) if line == 'name = "hope"'][1]
    assert p.format() == (
        f"line {second}: outcomes.groups[1].domains[2].name = 'hope': "
        "duplicate domain name; each must be unique"
    )


def test_thresholds_must_be_ordered() -> None:
    text = edit(SEED, "thresholds = [0.2, 0.5, 0.8]", "thresholds = [0.2, 0.8, 0.5]")
    p = only_problem(text)
    assert (p.key, p.value) == ("analysis.magnitude.thresholds[2]", 0.5)
    assert p.message == "must be greater than the one before (0.8)"
    assert p.line == line_with(text, "magnitude =")
    text = edit(SEED, 'labels = ["no", "weak", "strong", "very strong"]', 'labels = ["no", "yes"]')
    p = only_problem(text)
    assert (p.key, p.message) == (
        "analysis.evidence.labels",
        "needs 4 labels, one per band (3 thresholds)",
    )
    text = edit(SEED, "short_term_max_weeks = 52 ", "short_term_max_weeks = 60 ")
    p = only_problem(text)
    assert p.format() == (
        f"line {line_with(text, 'long_term_after_weeks')}: timepoints.long_term_after_weeks = 52: "
        "must be at least short_term_max_weeks (60)"
    )


def test_numbers_must_be_finite() -> None:
    text = edit(SEED, "substantial_i2 = 50", "substantial_i2 = nan")
    p = only_problem(text)
    assert (p.key, p.message) == ("analysis.substantial_i2", "must be a finite number")
    assert p.format().startswith(f"line {line_with(text, 'substantial_i2')}: ")


def test_fraction_out_of_range() -> None:
    text = edit(SEED, "dual_fraction = 0.10", "dual_fraction = 10")
    p = only_problem(text)
    assert p.format() == (
        f"line {line_with(text, 'dual_fraction')}: screening.title_abstract.dual_fraction = 10: "
        "must be a fraction between 0 and 1"
    )


def test_reviewer_references_must_exist_with_the_role() -> None:
    text = edit(
        SEED,
        'second_reviewer = "R2"\narbiter = "R3"\n\n',
        'second_reviewer = "R2"\narbiter = "R9"\n\n',
    )
    p = only_problem(text)
    assert (p.key, p.value, p.message) == (
        "screening.title_abstract.arbiter", "R9", "must be a reviewer id: R1, R2, R3",
    )  # fmt: skip
    assert p.line == line_with(text, '"R9"')
    text = edit(SEED, 'roles = ["arbiter"]', 'roles = ["screener"]')
    assert [(q.line, q.key, q.message) for q in problems(text)] == [
        (
            line_with(text, 'id = "R1"') - 1,
            "review.reviewers",
            "resolution = 'arbiter' needs a reviewer with the role 'arbiter'",
        ),
        (
            _nth(text, 'arbiter = "R3"', 0),
            "screening.title_abstract.arbiter",
            "reviewer R3 needs the role 'arbiter'",
        ),
        (
            _nth(text, 'arbiter = "R3"', 1),
            "screening.full_text.arbiter",
            "reviewer R3 needs the role 'arbiter'",
        ),
    ]


def _nth(text: str, line: str, n: int) -> int:
    return [i for i, s in enumerate(text.splitlines(), 1) if s == line][n]


def test_filter_attribute_operator_and_value() -> None:
    text = edit(SEED, 'attribute = "comparator"', 'attribute = "comparater"')
    p = only_problem(text)
    assert p.format() == (
        f"line {line_with(text, 'comparater')}: analysis.sensitivity[1].where[0].attribute = "
        f"'comparater': must be one of {ATTRIBUTES}"
    )
    text = edit(
        SEED,
        '"measure_validated", operator = "==", value = true',
        '"measure_validated", operator = "==", value = "yes"',
    )
    p = only_problem(text)
    assert (p.key, p.value, p.message) == (
        "analysis.sensitivity[2].where[0].value", "yes", "'measure_validated' takes bool values",
    )  # fmt: skip
    text = edit(SEED, 'operator = "in", value = ["severe"]', 'operator = "<", value = "a"')
    p = only_problem(text)
    assert (p.key, p.value) == ("analysis.subgroups[0].levels[0].where[0].operator", "<")
    assert p.message == "'population' is text; order comparisons need a number"
    text = edit(SEED, 'operator = "in", value = ["severe"]', 'operator = "in", value = "severe"')
    p = only_problem(text)
    assert p.message == "'in' needs a non-empty array of values"
    text = edit(SEED, 'operator = "not_in"', 'operator = "like"')
    p = only_problem(text)
    assert p.message == "must be one of ==, !=, in, not_in, <, <=, >, >="
    assert p.line == line_with(text, '"like"')


def test_filter_values_declared_elsewhere_in_the_protocol() -> None:
    text = edit(SEED, 'value = ["TAU", "WL"] }]', 'value = ["TAU", "usual care"] }]')
    p = only_problem(text)
    assert p.format() == (
        f"line {line_with(text, 'usual care')}: analysis.sensitivity[1].where[0].value = "
        "['TAU', 'usual care']: must be one of TAU, WL, active"
    )
    text = edit(SEED, 'value = "low" }]', 'value = "some_concerns" }]')
    p = only_problem(text)
    assert p.message == "must be one of low, unclear, high"  # RoB 1 judgements
    rule = 'multi_arm = { strategy = "use_one_arm", arm = ["TAU", "WL"] }'
    text = edit(SEED, rule, 'multi_arm = { strategy = "use_one_arm", arm = "CBT" }')
    p = only_problem(text)
    assert (p.key, p.message) == (
        "analysis.sensitivity[1].multi_arm.arm",
        "must be a declared comparator code: TAU, WL, active",
    )
    text = edit(SEED, rule, 'multi_arm = { strategy = "use_one_arm", arm = ["TAU", "CBT"] }')
    p = only_problem(text)
    assert (p.key, p.value) == ("analysis.sensitivity[1].multi_arm.arm[1]", "CBT")
    text = edit(SEED, rule, 'multi_arm = { strategy = "use_one_arm", arm = ["TAU", "tau"] }')
    p = only_problem(text)
    assert (p.key, p.message) == (
        "analysis.sensitivity[1].multi_arm.arm[1]",
        "duplicate comparator code; each must be unique",
    )
    text = edit(SEED, rule, 'multi_arm = { strategy = "use_one_arm" }')
    p = only_problem(text)
    assert (p.key, p.message) == (
        "analysis.sensitivity[1].multi_arm.strategy",
        "use_one_arm needs arm = '<comparator code>' (or a list in order of preference)",
    )


def test_risk_of_bias_domains_come_from_the_tool() -> None:
    text = edit(SEED, '  "allocation_concealment",\n', '  "allocation_conceal",\n')
    p = only_problem(text)
    assert (p.key, p.value, p.line) == (
        "risk_of_bias.key_domains[1]", "allocation_conceal", line_with(text, "allocation_conceal"),
    )  # fmt: skip
    assert p.message.startswith("must be a RoB1 domain: random_sequence_generation, ")
    p = only_problem(edit(SEED, 'tool = "RoB1"', 'tool = "RoB3"'))
    assert (p.key, p.message) == ("risk_of_bias.tool", "must be one of RoB1, RoB2")


def test_registration_and_dates() -> None:
    text = edit(SEED, 'id = "CRD42019145217"', 'id = "CRD4201914521"')
    p = only_problem(text)
    assert p.format() == (
        f"line {line_with(text, 'CRD4201914521')}: review.registration.id = 'CRD4201914521': "
        "a PROSPERO id is CRD and 11 digits, e.g. CRD42019145217"
    )
    text = edit(BLANK, "searched = 2000-01-01", 'searched = "1 Jan 2000"')
    p = only_problem(text)
    assert (p.key, p.message) == ("search.databases[0].searched", "must be a date, e.g. 2019-07-13")
    assert p.line == line_with(text, "searched =")


def test_random_selection_needs_a_seed_and_first_takes_none() -> None:
    text = edit(
        BLANK,
        'dual_fraction = 0.1\nselection = "first"',
        'dual_fraction = 0.1\nselection = "random"',
    )
    p = only_problem(text)
    assert (p.key, p.message) == (
        "screening.title_abstract.selection", "random selection needs seed = <integer>",
    )  # fmt: skip
    text = edit(BLANK, "contact_authors = false", "contact_authors = false\nseed = 7")
    p = only_problem(text)
    assert (p.key, p.value, p.line) == ("screening.full_text.seed", 7, line_with(text, "seed = 7"))
    assert p.message == "only used with selection = 'random'"


def test_second_appraiser_sample_and_attrition_rule_keys() -> None:
    text = edit(SEED, "second_reviewer_seed = 20190713      #", "#")
    p = only_problem(text)
    assert (p.key, p.message) == (
        "risk_of_bias.second_reviewer_selection",
        "random selection needs second_reviewer_seed = <integer>",
    )
    text = edit(SEED, 'second_reviewer_selection = "random"', 'second_reviewer_selection = "first"')
    p = only_problem(text)
    assert (p.key, p.value, p.message) == (
        "risk_of_bias.second_reviewer_seed", 20190713,
        "only used with second_reviewer_selection = 'random'",
    )  # fmt: skip
    p = only_problem(edit(SEED, "attrition_threshold = 0.20\n", ""))
    assert (p.key, p.value) == ("risk_of_bias.attrition_imbalance", 0.10)
    assert p.message == "only used with attrition_threshold (the attrition rule)"
    assert p.line == line_with(SEED, "attrition_imbalance =") - 1
    p = only_problem(edit(SEED, "attrition_imbalance = 0.10", "attrition_imbalance = 1.5"))
    assert (p.key, p.message) == (
        "risk_of_bias.attrition_imbalance", "must be a fraction between 0 and 1",
    )  # fmt: skip


def test_empty_strings_and_arrays() -> None:
    p = only_problem(edit(BLANK, 'title = "TODO: title of the review"', 'title = "  "'))
    assert (p.key, p.message, p.line) == ("review.title", "must not be empty", 13)
    p = only_problem(
        edit(
            BLANK,
            'exclusion_reasons = ["TODO: e.g. not a randomised controlled trial"]',
            "exclusion_reasons = []",
        )
    )
    assert (p.key, p.message) == ("eligibility.exclusion_reasons", "must have at least 1 item")


def test_toml_syntax_error_gives_line_and_column() -> None:
    text = edit(BLANK, 'model = "random"', "model = random")
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text, source="my.toml")
    line = line_with(text, "model = random")
    assert str(info.value) == f"my.toml, line {line}, column 9: invalid TOML: Invalid value"


def test_every_problem_is_reported_one_per_line_in_file_order() -> None:
    text = edit(SEED, 'tool = "RoB1"', 'tool = "RoB9"')
    text = edit(text, "min_studies = 3", "min_studies = 3.5")
    text = edit(text, 'interface = "Wiley"', "interface = 4")
    with pytest.raises(ProtocolError) as info:
        parse_protocol(text)
    lines = str(info.value).splitlines()
    assert lines == [
        f"review.toml, line {line_with(text, 'interface = 4')}: search.databases[3].interface = 4: "
        "must be a string",
        f"review.toml, line {line_with(text, 'min_studies = 3.5')}: analysis.min_studies = 3.5: "
        "must be an integer",
        f"review.toml, line {line_with(text, 'RoB9')}: risk_of_bias.tool = 'RoB9': "
        "must be one of RoB1, RoB2",
    ]
    assert info.value.line == line_with(text, "interface = 4")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the protocol"):
        load_protocol(tmp_path / "absent.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'title = "caf\xe9"')
    with pytest.raises(InputError, match="not UTF-8"):
        load_protocol(path)
    path = tmp_path / "review.toml"
    path.write_text(edit(BLANK, "level = 95", "level = 100"), encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocol(path)
    assert str(info.value).startswith(f"{path}, line ")
    assert str(info.value).endswith("analysis.level = 100: must be between 0 and 100")


ESTIMATORS = {m.value.lower() for m in Tau2Method} | {m.name.lower() for m in Tau2Method}


@given(
    st.text(alphabet=string.ascii_letters + string.digits + " -_", min_size=1, max_size=8).filter(
        lambda s: s.strip().lower() not in ESTIMATORS
    )
)
def test_any_bad_estimator_is_reported_with_its_line(value: str) -> None:
    text = edit(SEED, 'tau2_method = "DL"', f'tau2_method = "{value}"')
    assert only_problem(text).format() == (
        f"line {line_with(text, 'tau2_method')}: analysis.tau2_method = {value!r}: "
        "must be one of DL, REML, ML, PM, EB, SJ, HE"
    )
