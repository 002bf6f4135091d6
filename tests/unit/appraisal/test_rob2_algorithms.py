"""RoB 2 algorithms, one test row per branch of each "Algorithm for suggested judgement".

Source: Higgins JPT et al. (eds), RoB 2 full guidance document, 22 August 2019; criteria
restated in Systematic Reviews 2021;10:171 Table 2; overall rule: Sterne et al. BMJ
2019;366:l4898.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sysreview.appraisal.rob2_algorithms import judge_domain, overall_rob2
from sysreview.appraisal.rob2_questions import JUDGEMENTS, Effect, questions
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS

D1, D2, D3, D4, D5 = ROB2_DOMAINS
SC = "some_concerns"


def _a(spec: str) -> dict[str, str]:
    """``"1.1=Y 1.2=PN"`` → ``{"1.1": "Y", "1.2": "PN"}``."""
    return dict(pair.split("=") for pair in spec.split())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1.1=Y 1.2=PY 1.3=N", "low"),
        ("1.1=NI 1.2=Y 1.3=NI", "low"),
        ("1.1=Y 1.2=Y 1.3=PY", SC),
        ("1.1=PN 1.2=Y 1.3=N", SC),
        ("1.1=NI 1.2=NI 1.3=PN", SC),
        ("1.1=NI 1.2=NI 1.3=NI", SC),
        ("1.1=Y 1.2=NI 1.3=Y", "high"),
        ("1.1=Y 1.2=PN 1.3=N", "high"),
        ("1.1=N 1.2=N 1.3=NI", "high"),
    ],
)
def test_domain1_randomisation(spec: str, expected: str) -> None:
    """Guidance domain 1 algorithm: 1.2 N/PN → high; 1.2 NI → high iff 1.3 Y/PY, else some
    concerns; 1.2 Y/PY → low iff 1.1 Y/PY/NI and 1.3 N/PN/NI, else some concerns."""
    assert judge_domain(D1, _a(spec)) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # part 1 low (unaware), part 2 low
        ("2.1=N 2.2=PN 2.6=Y", "low"),
        # aware, no deviations from trial context → part 1 low
        ("2.1=Y 2.2=N 2.3=PN 2.6=PY", "low"),
        # aware, NI on deviations → part 1 some concerns
        ("2.1=NI 2.2=N 2.3=NI 2.6=Y", SC),
        # deviations not likely to affect the outcome → some concerns
        ("2.1=Y 2.2=Y 2.3=Y 2.4=PN 2.6=Y", SC),
        # deviations likely to affect outcome, balanced → some concerns
        ("2.1=Y 2.2=Y 2.3=Y 2.4=NI 2.5=PY 2.6=Y", SC),
        # ... unbalanced or NI → high
        ("2.1=Y 2.2=Y 2.3=PY 2.4=Y 2.5=N 2.6=Y", "high"),
        ("2.1=Y 2.2=Y 2.3=PY 2.4=Y 2.5=NI 2.6=Y", "high"),
        # part 2: inappropriate analysis, no substantial impact → some concerns
        ("2.1=N 2.2=N 2.6=N 2.7=PN", SC),
        # part 2: substantial impact (or NI) → high
        ("2.1=N 2.2=N 2.6=NI 2.7=Y", "high"),
        ("2.1=N 2.2=N 2.6=PN 2.7=NI", "high"),
        # worst of the two parts
        ("2.1=Y 2.2=Y 2.3=NI 2.6=N 2.7=PY", "high"),
    ],
)
def test_domain2_effect_of_assignment(spec: str, expected: str) -> None:
    """Guidance domain 2 (effect of assignment) algorithm: part 1 (2.1-2.5) and part 2
    (2.6-2.7); low if both parts low, high if either high, else some concerns."""
    assert judge_domain(D2, _a(spec)) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("2.1=N 2.2=N 2.4=NA 2.5=N", "low"),
        ("2.1=PN 2.2=N", "low"),
        ("2.1=Y 2.2=Y 2.3=PY 2.4=N 2.5=PN", "low"),
        ("2.1=Y 2.2=NI 2.3=NA 2.4=NA 2.5=NA", "low"),
        ("2.1=Y 2.2=Y 2.3=N 2.4=N 2.5=N 2.6=Y", SC),
        ("2.1=Y 2.2=Y 2.3=NI 2.4=N 2.5=N 2.6=N", "high"),
        ("2.1=N 2.2=N 2.4=Y 2.5=N 2.6=PY", SC),
        ("2.1=N 2.2=N 2.4=N 2.5=NI 2.6=NI", "high"),
        ("2.1=N 2.2=N 2.4=NI 2.5=PY 2.6=PN", "high"),
    ],
)
def test_domain2_effect_of_adhering(spec: str, expected: str) -> None:
    """Guidance domain 2 (effect of adhering) algorithm: unaware or balanced non-protocol
    interventions, and 2.4/2.5 N/PN/NA → low; otherwise 2.6 Y/PY → some concerns, else high."""
    assert judge_domain(D2, _a(spec), Effect.ADHERING) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("3.1=Y", "low"),
        ("3.1=PY 3.2=NA", "low"),
        ("3.1=N 3.2=PY", "low"),
        ("3.1=NI 3.2=N 3.3=PN", "low"),
        ("3.1=N 3.2=PN 3.3=Y 3.4=N", SC),
        ("3.1=N 3.2=N 3.3=NI 3.4=PN", SC),
        ("3.1=N 3.2=N 3.3=PY 3.4=Y", "high"),
        ("3.1=N 3.2=N 3.3=Y 3.4=NI", "high"),
    ],
)
def test_domain3_missing_outcome_data(spec: str, expected: str) -> None:
    """Guidance domain 3 algorithm: 3.1 Y/PY → low; 3.2 Y/PY → low; 3.3 N/PN → low;
    3.4 N/PN → some concerns; 3.4 Y/PY/NI → high."""
    assert judge_domain(D3, _a(spec)) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("4.1=Y 4.2=N", "high"),
        ("4.1=N 4.2=PY", "high"),
        ("4.1=N 4.2=N 4.3=N", "low"),
        ("4.1=NI 4.2=PN 4.3=Y 4.4=PN", "low"),
        ("4.1=N 4.2=N 4.3=NI 4.4=NI 4.5=N", SC),
        ("4.1=N 4.2=N 4.3=Y 4.4=Y 4.5=PY", "high"),
        ("4.1=N 4.2=NI 4.3=PN", SC),
        ("4.1=N 4.2=NI 4.3=Y 4.4=N", SC),
        ("4.1=PN 4.2=NI 4.3=Y 4.4=Y 4.5=PN", SC),
        ("4.1=PN 4.2=NI 4.3=Y 4.4=Y 4.5=NI", "high"),
    ],
)
def test_domain4_measurement(spec: str, expected: str) -> None:
    """Guidance domain 4 algorithm (Box 10, Tables 11-12, Figure 5): 4.1 or 4.2 Y/PY → high;
    blinded or not influenced → low (some concerns if 4.2 NI); 4.5 N/PN → some concerns,
    Y/PY/NI → high."""
    assert judge_domain(D4, _a(spec)) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("5.1=Y 5.2=N 5.3=PN", "low"),
        ("5.1=NI 5.2=N 5.3=N", SC),
        ("5.1=N 5.2=PN 5.3=PN", SC),
        ("5.1=Y 5.2=NI 5.3=N", SC),
        ("5.1=Y 5.2=N 5.3=NI", SC),
        ("5.1=Y 5.2=PY 5.3=N", "high"),
        ("5.1=Y 5.2=NI 5.3=Y", "high"),
    ],
)
def test_domain5_reported_result(spec: str, expected: str) -> None:
    """Guidance domain 5 algorithm: 5.2 or 5.3 Y/PY → high; either NI → some concerns;
    both N/PN → low if 5.1 Y/PY, else some concerns."""
    assert judge_domain(D5, _a(spec)) == expected


def test_answers_outside_allowed_set_name_the_question() -> None:
    with pytest.raises(InputError, match=r"column '1\.2'"):
        judge_domain(D1, _a("1.1=Y 1.2=yes 1.3=N"))
    with pytest.raises(InputError, match=r"column '1\.1'"):
        judge_domain(D1, _a("1.1=NA 1.2=Y 1.3=N"))  # NA not allowed on 1.1
    with pytest.raises(InputError, match=r"column '3\.2'"):
        judge_domain(D3, _a("3.1=N 3.2=NI"))  # NI not an option for 3.2
    with pytest.raises(InputError, match=r"column '2\.7'"):
        judge_domain(D2, _a("2.1=N 2.2=N 2.6=Y 2.7=Z"))
    with pytest.raises(InputError, match=r"column '2\.7'"):
        judge_domain(D2, _a("2.1=N 2.2=N 2.6=Y 2.7=N"), Effect.ADHERING)  # no 2.7 here
    with pytest.raises(InputError, match=r"column '1\.3'"):
        judge_domain(D1, _a("1.1=Y 1.2=Y"))  # needed but missing
    with pytest.raises(InputError, match="Invalid domain"):
        judge_domain("blinding", {})


ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")


@pytest.mark.parametrize("domain", ROB2_DOMAINS)
@pytest.mark.parametrize("effect", list(Effect))
@given(data=st.data())
def test_invalid_answers_always_raise_naming_question(
    domain: str, effect: Effect, data: st.DataObject
) -> None:
    qs = questions(domain, effect)
    q = data.draw(st.sampled_from(qs))
    bad = data.draw(st.sampled_from((*ANSWERS, "yes", "ni", "")) | st.text())
    assume(bad not in q.allowed)
    with pytest.raises(InputError, match=re.escape(f"column '{q.id}'")):
        judge_domain(domain, {q.id: bad}, effect)


@pytest.mark.parametrize("domain", ROB2_DOMAINS)
@pytest.mark.parametrize("effect", list(Effect))
@given(data=st.data())
def test_complete_valid_answers_always_judge(
    domain: str, effect: Effect, data: st.DataObject
) -> None:
    """Every combination of non-NA answers reaches one of the three judgements."""
    answers = {
        q.id: data.draw(st.sampled_from([a for a in q.allowed if a != "NA"]))
        for q in questions(domain, effect)
    }
    assert judge_domain(domain, answers, effect) in JUDGEMENTS


judgements = st.fixed_dictionaries({d: st.sampled_from(JUDGEMENTS) for d in ROB2_DOMAINS})


@given(judgements, st.one_of(st.none(), st.integers(2, 6)))
def test_overall_never_better_than_worst_domain(j: dict[str, str], limit: int | None) -> None:
    """Sterne et al. 2019: low iff all low; any high → high; otherwise some concerns."""
    overall = overall_rob2(j, some_concerns_limit=limit)
    worst = max(j.values(), key=JUDGEMENTS.index)
    assert JUDGEMENTS.index(overall) >= JUDGEMENTS.index(worst)
    assert (overall == "low") == (worst == "low")
    if limit is None:
        assert overall == worst


def test_multiple_some_concerns_option() -> None:
    """Guidance: some concerns in multiple domains may be judged high (opt-in)."""
    j = {**dict.fromkeys(ROB2_DOMAINS, "low"), D1: SC, D5: SC}
    assert overall_rob2(j) == SC
    assert overall_rob2(j, some_concerns_limit=2) == "high"
    assert overall_rob2(j, some_concerns_limit=3) == SC
    with pytest.raises(InputError, match="at least 2"):
        overall_rob2(j, some_concerns_limit=1)
    with pytest.raises(InputError, match="column 'missing_outcome_data'"):
        overall_rob2({**j, D3: "unclear"})
