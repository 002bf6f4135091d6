"""The risk-of-bias form's guidance disclosures, the agreed judgement beside the
appraiser's own, and per-outcome judgements, through the pages and the JSON API.

The guidance shown is :mod:`sysreview.appraisal.guidance` (Handbook 5.1 Table 8.5.d; RoB 2
full guidance, 2019), read from the data, not retyped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sysreview.appraisal import guidance, rob2
from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.appraising.forms import DomainInput, save_rob_form
from sysreview.project.opening import opened
from sysreview.protocol.appraisal import ROB1_DOMAINS, ROB2_DOMAINS
from tests.unit.web.conftest import TestClient, clients_for
from tests.unit.web.test_appraisal import STUDIES, add_studies, rob1_form, use_rob2

Clients = Callable[[str], tuple[TestClient, str]]
LEVEL = 'outcome_level_domains = ["blinding_outcome_assessment"]\n'
HOPE = "hope/blinding_outcome_assessment"


def per_outcome(project: Path) -> None:
    toml = project / "review.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("attrition_imbalance = 0.10\n",
                                 "attrition_imbalance = 0.10\n" + LEVEL), "utf-8")  # fmt: skip


@pytest.fixture
def outcome_project(project: Path) -> Path:
    per_outcome(project)
    add_studies(project)
    return project


@pytest.fixture
def outcome_clients(outcome_project: Path) -> Iterator[Clients]:
    yield from clients_for(outcome_project)


@pytest.fixture
def rob2_clients(project: Path) -> Iterator[Clients]:
    use_rob2(project)
    add_studies(project)
    yield from clients_for(project)


def consensus(project: Path, study: str, judgements: dict[str, str], who: str = "R3") -> None:
    """Record consensus judgements (the arbiter's, as a consensus sheet would)."""
    with opened(project) as (proj, store):
        save_rob_form(store, proj.protocol, reviewer=who, study=study, consensus=True,
                      domains={d: DomainInput(j, "agreed at the meeting")
                               for d, j in judgements.items()})  # fmt: skip


def test_rob1_guidance_is_a_disclosure_per_domain(outcome_clients: Clients) -> None:
    r1, _ = outcome_clients("R1")
    page = r1.get(f"/appraisal/form?study={STUDIES[0]}").text
    for domain in ROB1_DOMAINS:
        block = re.search(rf'<details class="guidance" id="guidance-{domain}">(.*?)</details>',
                          page, re.DOTALL)  # fmt: skip
        assert block is not None, domain
        g = guidance.rob1_guidance(domain)
        text = html.unescape(block.group(1))
        assert "<summary>Guidance" in text
        assert all(part in text for part in (g.question, g.low, g.high, g.unclear))
        assert "Table 8.5.d" in text
    assert "<details open" not in page  # closed until asked for


def test_rob2_guidance_per_domain_and_question(rob2_clients: Clients) -> None:
    r1, _ = rob2_clients("R1")
    page = html.unescape(r1.get(f"/appraisal/form?study={STUDIES[0]}").text)
    asked = 0
    for domain in ROB2_DOMAINS:
        assert guidance.rob2_domain_guidance(domain) in page
        for q in rob2.questions(domain):
            block = re.search(rf'id="guidance-{domain}-{re.escape(q.id)}">\s*<summary>Guidance'
                              rf'<span class="visually-hidden"> for question {re.escape(q.id)}'
                              rf"</span></summary>\s*<p>([^<]*)</p>", page)  # fmt: skip
            assert block is not None, (domain, q.id)
            assert block.group(1) == guidance.rob2_question_guidance(domain, q.id)
            asked += 1
    assert asked == page.count('class="guidance question-guidance"') == 22


def test_consensus_shows_beside_own_judgement_and_overall(
    outcome_project: Path, outcome_clients: Clients
) -> None:
    r1, token = outcome_clients("R1")
    data = rob1_form(token, STUDIES[0], allocation_concealment="unclear")
    assert r1.post("/appraisal/form", data=data, follow_redirects=False).status_code == 303
    page = r1.get(f"/appraisal/form?study={STUDIES[0]}").text
    assert 'id="no-consensus"' in page and 'class="agreed"' not in page
    # the team agrees: allocation concealment was in fact adequate; the rest as judged
    consensus(outcome_project, STUDIES[0], {**dict.fromkeys(ROB1_DOMAINS, "low"),
                                            "other_bias": "high"})  # fmt: skip
    page = r1.get(f"/appraisal/form?study={STUDIES[0]}").text
    beside = re.search(r'<p class="agreed" id="agreed-allocation_concealment">(.*?)</p>', page)
    assert beside is not None
    assert '<strong class="judgement low">low</strong>' in beside.group(1)
    assert 'yours: <span class="judgement unclear">unclear</span>' in beside.group(1)
    assert "agreed at the meeting" in beside.group(1)
    assert page.count('class="agreed" id="agreed-') == 7 + 1  # each domain, and overall
    overall = re.search(r'id="agreed-overall">(.*?)</p>', page)
    # consensus: only other_bias (not a key domain) high -> "unclear" (protocol's otherwise);
    # own: allocation concealment (a key domain) unclear -> unclear
    assert overall is not None
    assert '<strong class="judgement unclear">unclear</strong>' in overall.group(1)
    api = r1.get("/api/appraisal/form", params={"study": STUDIES[0]}).json()
    assert api["consensus"]["allocation_concealment"] == {
        "judgement": "low",
        "support": "agreed at the meeting",
    }
    assert api["consensus_overall"] == "unclear" and api["consensus_hidden"] == 0
    assert api["own"]["allocation_concealment"]["judgement"] == "unclear"


def test_outcome_judgements_through_the_form(
    outcome_project: Path, outcome_clients: Clients
) -> None:
    r1, token = outcome_clients("R1")
    page = r1.get(f"/appraisal/form?study={STUDIES[0]}").text
    with opened(outcome_project) as (proj, _):
        outcomes = [d.name for _, d in proj.protocol.outcomes.domains()]
        labels = [d.label for _, d in proj.protocol.outcomes.domains()]
    box = re.search(r'<details class="per-outcome" id="per-outcome-blinding_outcome_assessment">'
                    r"(.*?)</details>", page, re.DOTALL)  # fmt: skip
    assert box is not None
    assert re.findall(r'<select id="judgement\.([^"]+)"', box.group(1)) == [
        f"{o}/blinding_outcome_assessment" for o in outcomes
    ]
    assert all(f">{html.escape(label)}</label>" in box.group(1) for label in labels)
    assert "per-outcome-incomplete_outcome_data" not in page  # judged per study only
    data = rob1_form(token, STUDIES[0])
    data[f"judgement.{HOPE}"] = "nonsense"
    refused = r1.post("/appraisal/form", data=data)
    assert refused.status_code == 422
    inline = re.search(rf'id="judgement\.{re.escape(HOPE)}".*?</select>\s*'
                       r'<span class="field-error"[^>]*>([^<]*)</span>', refused.text,
                       re.DOTALL)  # fmt: skip
    assert inline is not None and "invalid judgement" in inline.group(1)
    data[f"judgement.{HOPE}"], data[f"support.{HOPE}"] = "high", "self-rated, open trial"
    assert r1.post("/appraisal/form", data=data, follow_redirects=False).status_code == 303
    with opened(outcome_project) as (proj, store):
        (study,) = rob_assessments(store, proj.protocol)
    assert study.by_outcome == {"hope": {"blinding_outcome_assessment": "high"}}
    assert (study.overall, dict(study.outcome_overall)) == ("low", {"hope": "unclear"})
    again = r1.get(f"/appraisal/form?study={STUDIES[0]}").text  # comes back to its reviewer
    assert re.search(rf'id="judgement\.{re.escape(HOPE)}".*?<option value="high" selected>',
                     again, re.DOTALL)  # fmt: skip
    assert 'value="self-rated, open trial"' in again


def test_outcome_judgements_through_the_api(
    outcome_project: Path, outcome_clients: Clients
) -> None:
    r1, token = outcome_clients("R1")
    body = {"study": STUDIES[0], "domains": {d: {"judgement": "low"} for d in ROB1_DOMAINS}}
    body["domains"][HOPE] = {"judgement": "high", "support": "self-rated"}
    refused = r1.post("/api/appraisal/form", json=body)
    assert refused.status_code == 403  # no CSRF token
    answer = r1.post("/api/appraisal/form", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200, answer.text
    assert answer.json()["own"][HOPE] == {"judgement": "high", "support": "self-rated",
                                          "location": "", "answers": {}}  # fmt: skip
    body["domains"]["mood/blinding_outcome_assessment"] = {"judgement": "high"}
    bad = r1.post("/api/appraisal/form", json=body, headers={"X-CSRF-Token": token})
    assert bad.status_code == 400
    assert "unknown RoB1 domain 'mood/blinding_outcome_assessment'" in bad.json()["detail"]["form"]
    del body["domains"]["mood/blinding_outcome_assessment"]
    body["domains"]["hope/selective_reporting"] = {"judgement": "high"}
    bad = r1.post("/api/appraisal/form", json=body, headers={"X-CSRF-Token": token})
    assert bad.status_code == 400
    with opened(outcome_project) as (proj, store):
        (study,) = rob_assessments(store, proj.protocol)
    assert study.by_outcome == {"hope": {"blinding_outcome_assessment": "high"}}


def test_live_panel_gives_each_judged_outcomes_overall(outcome_clients: Clients) -> None:
    r1, token = outcome_clients("R1")
    data = rob1_form(token, STUDIES[0])
    data[f"judgement.{HOPE}"] = "high"
    fragment = r1.post("/appraisal/live", data=data).text
    assert '<td id="overall" class="judgement low">low</td>' in fragment
    # blinding of outcome assessment is not a key domain: high gives "unclear" (otherwise)
    assert re.search(r'<th>Overall for Hope</th><td id="overall-hope" class="judgement '
                     r'unclear">unclear</td>', fragment)  # fmt: skip
    del data["judgement.other_bias"]  # the study is not fully judged: no outcome overall yet
    assert 'id="overall-hope"' not in r1.post("/appraisal/live", data=data).text


def test_the_list_counts_the_study_domains_only(outcome_clients: Clients) -> None:
    r1, token = outcome_clients("R1")
    data = rob1_form(token, STUDIES[0])
    data[f"judgement.{HOPE}"] = "high"
    assert r1.post("/appraisal/form", data=data, follow_redirects=False).status_code == 303
    assert "<td>7 / 7</td>" in r1.get("/appraisal").text
