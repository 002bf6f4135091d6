"""The ``[grade]`` section: defaults, every mistake located at its key and line."""

from __future__ import annotations

import pytest

from sysreview.protocol import Level, Wording, parse_protocol
from tests.unit.protocol.util import BLANK, SEED, edit, line_with, only_problem

GRADE = '[grade]\nwording = ["p_value"]\n'


def test_a_protocol_without_grade_keeps_the_seed_wording() -> None:
    start = SEED.index("# ---- Certainty of the evidence")
    end = SEED.index("# ---- Screening")
    protocol = parse_protocol(SEED[:start] + SEED[end:])
    assert protocol.grade.wording == (Wording.P_VALUE,) and protocol.grade.start is Level.HIGH
    assert protocol.summary().splitlines()[-1].startswith("GRADE: start high; wording p_value")


@pytest.mark.parametrize(
    ("new", "needle", "key", "message"),
    [
        ('[grade]\nwording = ["p_value"]\nsof_outcomes = ["hopes"]\n', "sof_outcomes",
         "grade.sof_outcomes[0]", "must be an outcome domain: recovery, connectedness"),
        ('[grade]\nwording = ["p_value"]\nsof_timepoints = ["later"]\n', "sof_timepoints",
         "grade.sof_timepoints[0]", "must be one of post_intervention, short_term, long_term"),
        ('[grade]\nwording = ["p_value", "P_VALUE"]\n', "wording = [", "grade.wording[1]",
         "duplicate wording; each must be unique"),
        ('[grade]\nwording = ["plain"]\n', "wording = [", "grade.wording[0]",
         "must be one of p_value, grade"),
        ('[grade]\nwording = []\n', "wording = [", "grade.wording", "at least 1"),
    ],
)  # fmt: skip
def test_mistakes_are_located(new: str, needle: str, key: str, message: str) -> None:
    text = edit(SEED, GRADE, new)
    p = only_problem(text)
    assert p.key == key and message in p.message
    assert p.line == line_with(text, needle)


def test_rule_values_are_checked() -> None:
    text = edit(SEED, "alpha = 0.05, beta = 0.20", "alpha = 0.0, beta = 0.20")
    p = only_problem(text)
    assert (p.key, p.message) == ("grade.imprecision.alpha", "must be between 0 and 1 (exclusive)")
    outcome = '\n[[grade.outcome]]\ndomain = "hope"\ninstrument = "Herth Hope Index"\n'
    bad = edit(SEED, "publication_bias = { egger_p = 0.10 }\n",
               "publication_bias = { egger_p = 0.10 }\n" + outcome)  # fmt: skip
    p = only_problem(bad)
    assert p.key == "grade.outcome[0].instrument" and "needs its sd" in p.message
    ghost = bad.replace('domain = "hope"\ninstrument', 'domain = "ghost"\nsd = 2.0\ninstrument')
    p = only_problem(ghost)
    assert p.key == "grade.outcome[0].domain" and p.message.startswith("must be an outcome domain")


def test_the_blank_template_words_findings_with_grade() -> None:
    assert parse_protocol(BLANK).grade.wording == (Wording.GRADE,)
