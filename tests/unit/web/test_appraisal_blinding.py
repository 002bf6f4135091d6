"""Blinding of the second appraiser, attacked through the form, the retract route and the
JSON API: the other appraiser's judgements and support never show; a consensus shows only
for domains the viewer has judged themselves (it can equal the other's judgement), and
hides again when they take their judgement back.

The seed protocol's second-appraiser share of the three studies is ``Jones 2020`` (random
10%, seed 20190713: ``sorted(random.Random(20190713).sample(range(3), 1)) == [1]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview.project.appraising.blinding import visible_consensus
from sysreview.project.opening import opened
from sysreview.protocol.appraisal import ROB1_DOMAINS
from tests.unit.web.conftest import clients_for
from tests.unit.web.test_appraisal import STUDIES, rob1_form
from tests.unit.web.test_appraisal_guidance import (
    Clients,
    consensus,
    outcome_project,  # noqa: F401 (a fixture)
)

SHARED = STUDIES[1]  # both appraisers assess it
SECRET_R1 = "R1 thinks the envelopes were translucent"


@pytest.fixture
def appraisers(outcome_project: Path) -> Iterator[Clients]:  # noqa: F811
    yield from clients_for(outcome_project)


def _r1_judges(clients: Clients) -> None:
    r1, token = clients("R1")
    data = rob1_form(token, SHARED, allocation_concealment="high", other_bias="unclear")
    data.update({f"support.{d}": f"R1 quote {d}" for d in ROB1_DOMAINS})
    data["support.allocation_concealment"] = SECRET_R1
    data["judgement.hope/blinding_outcome_assessment"] = "high"
    data["support.hope/blinding_outcome_assessment"] = "R1 per-outcome secret"
    assert r1.post("/appraisal/form", data=data, follow_redirects=False).status_code == 303


def _leaks(text: str) -> list[str]:
    return [s for s in (SECRET_R1, "R1 per-outcome secret", "R1 quote") if s in text]


def test_the_second_appraiser_never_sees_the_firsts_judgements(appraisers: Clients) -> None:
    _r1_judges(appraisers)
    r2, token = appraisers("R2")
    page = r2.get(f"/appraisal/form?study={SHARED}").text
    assert _leaks(page) == []
    assert 'value="high" selected' not in page and 'class="agreed"' not in page
    api = r2.get("/api/appraisal/form", params={"study": SHARED}).json()
    assert _leaks(str(api)) == []
    assert all(not e["judgement"] for e in api["own"].values())
    assert api["consensus"] == {} and api["consensus_hidden"] == 0
    # the live fragment and a refused save echo only what R2 sent
    data = rob1_form(token, SHARED, other_bias="dreadful")
    refused = r2.post("/appraisal/form", data=data)
    assert refused.status_code == 422 and _leaks(refused.text) == []
    assert _leaks(r2.post("/appraisal/live", data=data).text) == []
    # taking back a judgement R2 never made is refused without telling what R1 said
    gone = r2.post("/appraisal/retract", data={"csrf_token": token, "study": SHARED,
                                               "domain": "allocation_concealment"})  # fmt: skip
    assert gone.status_code == 409 and _leaks(gone.text) == []
    assert "allocation_concealment: no current judgement to retract" in gone.text
    assert 'value="high" selected' not in gone.text
    # studies outside R2's share: neither page nor API
    assert r2.get(f"/appraisal/form?study={STUDIES[0]}").status_code == 403
    assert r2.get("/api/appraisal/form", params={"study": STUDIES[0]}).status_code == 403
    assert r2.get("/api/appraisal/studies").json() == [SHARED]


def test_consensus_shows_only_for_domains_the_viewer_judged(
    outcome_project: Path,  # noqa: F811
    appraisers: Clients,
) -> None:
    _r1_judges(appraisers)
    consensus(outcome_project, SHARED, {"allocation_concealment": "high",
                                        "hope/blinding_outcome_assessment": "high"})  # fmt: skip
    r2, token = appraisers("R2")
    # R2 has judged nothing: the consensus (equal to R1's judgements) is held back
    page = r2.get(f"/appraisal/form?study={SHARED}").text
    assert 'class="agreed"' not in page and "agreed at the meeting" not in page
    assert "2 consensus judgement(s) will show once you have saved your own" in page
    api = r2.get("/api/appraisal/form", params={"study": SHARED}).json()
    assert (api["consensus"], api["consensus_hidden"]) == ({}, 2)
    # R2 judges allocation concealment only: that consensus shows, the per-outcome one not
    data = {"csrf_token": token, "study": SHARED, "judgement.allocation_concealment": "low"}
    assert r2.post("/appraisal/form", data=data, follow_redirects=False).status_code == 303
    page = r2.get(f"/appraisal/form?study={SHARED}").text
    assert 'id="agreed-allocation_concealment"' in page
    assert 'id="agreed-hope/blinding_outcome_assessment"' not in page
    assert _leaks(page) == []  # R1's support is not the consensus's
    api = r2.get("/api/appraisal/form", params={"study": SHARED}).json()
    assert set(api["consensus"]) == {"allocation_concealment"}
    assert api["consensus_hidden"] == 1 and api["consensus_overall"] is None
    # R2 takes the judgement back: the consensus hides again
    taken = r2.post("/appraisal/retract", data={"csrf_token": token, "study": SHARED,
                                                "domain": "allocation_concealment"})  # fmt: skip
    assert taken.status_code == 200 and 'id="agreed-allocation_concealment"' not in taken.text
    assert r2.get("/api/appraisal/form", params={"study": SHARED}).json()["consensus"] == {}
    # R1, who judged both, sees both
    r1, _ = appraisers("R1")
    seen = r1.get("/api/appraisal/form", params={"study": SHARED}).json()["consensus"]
    assert set(seen) == {"allocation_concealment", "hope/blinding_outcome_assessment"}


def test_the_rule_is_the_services_for_every_route(outcome_project: Path) -> None:  # noqa: F811
    """The service itself refuses what the routes refuse: non-appraisers, unknown studies."""
    with opened(outcome_project) as (proj, store):
        with pytest.raises(Exception, match="is not an appraiser"):
            visible_consensus(store, proj.protocol, reviewer="R3", study=SHARED)
        with pytest.raises(Exception, match="unknown study"):
            visible_consensus(store, proj.protocol, reviewer="R1", study="Nobody 1999")
        seen = visible_consensus(store, proj.protocol, reviewer="R1", study=SHARED)
    assert (dict(seen.domains), seen.hidden, seen.overall) == ({}, 0, None)
    assert len(ROB1_DOMAINS) == 7
