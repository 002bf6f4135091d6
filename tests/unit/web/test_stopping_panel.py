"""The screening panel's advice block: the stopping aid's numbers and why a record ranks high."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sysreview.screening.stopping import StoppingEstimate, estimate_stopping
from sysreview.web.app import templates


@dataclass
class View:
    stage: str = "ta"
    assigned: int = 1000
    done: int = 800
    prioritised: bool = True
    card: Any = None
    advice: str | None = None
    stopping: StoppingEstimate | None = None
    why: tuple[tuple[str, float], ...] = ()


def render(view: View) -> str:
    page = templates.env.get_template("screening/_panel.html")
    return page.render(view=view, csrf="x", reasons=[], checklist=[], terms=[])


def test_structured_aid_shows_recall_bound_and_records_saved() -> None:
    est = estimate_stopping([1] * 20 + [0] * 780, 1000)
    html = render(View(stopping=est, why=(("peer support", 0.41), ("psychosis", 0.2))))
    assert 'id="recall-estimate">100.0%<' in html
    assert 'id="recall-bound">95.2%<' in html
    assert 'id="records-saved">200<' in html
    assert "screen a random sample of the rest to confirm" in html
    assert "Nothing is excluded automatically" in html
    assert 'title="contribution 0.410">peer support</span>, ' in html


def test_random_sample_verdict_needs_no_caveat() -> None:
    est = estimate_stopping([1] * 20 + [0] * 10 + [0] * 900, 1000, sample_start=30)
    html = render(View(stopping=est))
    assert est.target_reached and "to confirm" not in html
    assert "random sampling" in html


def test_text_advice_is_listed_and_escaped() -> None:
    advice = estimate_stopping([1, 0, 0], 50).summary() + "\n  <script>x</script>"
    html = render(View(advice=advice))
    assert "<li>Estimated recall" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert 'id="why-ranked"' not in html
