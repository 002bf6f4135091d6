"""RoB 2 judgements given without signalling answers (e.g. from a dataset) are drawn as is."""

from __future__ import annotations

from sysreview.appraisal.rob2 import Rob2Judgements
from sysreview.plots import rob as rob_plots
from sysreview.protocol.appraisal import ROB2_DOMAINS


def test_traffic_light_shows_the_given_overall() -> None:
    low = dict.fromkeys(ROB2_DOMAINS, "low")
    two_concerns = {**low, "randomisation_process": "some_concerns",
                    "missing_outcome_data": "some_concerns"}  # fmt: skip
    items = [
        Rob2Judgements("Trial A", "all outcomes", low, "low"),
        # reviewers may rate several "some concerns" as high overall (RoB 2 guidance)
        Rob2Judgements("Trial B", "all outcomes", two_concerns, "high"),
    ]
    assert items[1].algorithm_overall == "some_concerns"
    fig = rob_plots.traffic_light(items)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("X") == 1  # the one "high": Trial B's overall as given
    assert texts.count("-") == 2
