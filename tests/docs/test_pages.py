"""The documentation's numbers are the code's numbers, and metafor's.

Every ``>>>`` example in a page's Python blocks is run as a doctest (so a page cannot
show a number the library no longer gives), and the values the "From metafor to
sysreview" page says metafor prints are compared with metafor's pinned results
(``tests/reference/metafor/``, each with its R call), rounded as the page rounds them.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from tests.reference.metafor_cases import load

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if ">>> " in p.read_text(encoding="utf-8"))


def _python_blocks(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return "\n".join(re.findall(r"```python\n(.*?)```", text, flags=re.S))


def test_pages_with_examples_are_found() -> None:
    assert DOCS / "metafor.md" in PAGES


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run_as_shown(page: Path) -> None:
    test = doctest.DocTestParser().get_doctest(_python_blocks(page), {}, page.name, str(page), 0)
    assert test.examples, f"{page}: no >>> examples in its python blocks"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{page}: {runner.failures} example(s) differ (see output)"


def _case(filename: str, name: str) -> dict[str, object]:
    return next(c.expected for c in load(filename) if c.name == name)


def _num(text: str) -> float:
    return float(text.replace("−", "-"))


# (pinned file, case, expected key, index or None, the number as the page writes it)
METAFOR_PRINTS = [
    ("rma_uni.json", "bcg_rr_reml_z", "estimate", None, "−0.7145"),
    ("rma_uni.json", "bcg_rr_reml_z", "se", None, "0.1798"),
    ("rma_uni.json", "bcg_rr_reml_z", "zval", None, "−3.9744"),
    ("rma_uni.json", "bcg_rr_reml_z", "ci_lb", None, "−1.0669"),
    ("rma_uni.json", "bcg_rr_reml_z", "ci_ub", None, "−0.3622"),
    ("rma_uni.json", "bcg_rr_reml_z", "tau2", None, "0.3132"),
    ("rma_uni.json", "bcg_rr_reml_z", "tau2_ci_lb", None, "0.1197"),
    ("rma_uni.json", "bcg_rr_reml_z", "tau2_ci_ub", None, "1.1115"),
    ("rma_uni.json", "bcg_rr_reml_z", "i2", None, "92.22"),
    ("rma_uni.json", "bcg_rr_reml_z", "h2", None, "12.8558"),
    ("rma_uni.json", "bcg_rr_reml_z", "qe", None, "152.2330"),
    ("rma_uni.json", "bcg_rr_reml_z", "pi_lb", None, "−1.8667"),
    ("rma_uni.json", "bcg_rr_reml_z", "pi_ub", None, "0.4376"),
    ("metareg.json", "bcg_ablat_reml_z", "b", 0, "0.2515"),
    ("metareg.json", "bcg_ablat_reml_z", "b", 1, "−0.0291"),
    ("metareg.json", "bcg_ablat_reml_z", "se", 0, "0.2491"),
    ("metareg.json", "bcg_ablat_reml_z", "se", 1, "0.0072"),
    ("metareg.json", "bcg_ablat_reml_z", "tau2", None, "0.0763"),
    ("metareg.json", "bcg_ablat_reml_z", "r2", None, "75.63"),
    ("metareg.json", "bcg_ablat_reml_z", "qm", None, "16.3582"),
    ("metareg.json", "bcg_ablat_reml_z", "qe", None, "30.7331"),
    ("metareg.json", "bcg_ablat_reml_z", "pred", 0, "−0.0395"),
    ("metareg.json", "bcg_ablat_reml_z", "pred", 1, "−0.6216"),
    ("metareg.json", "bcg_ablat_reml_z", "pred", 2, "−1.2036"),
    ("influence.json", "bcg_reml", "rstudent", 0, "−0.2181"),
    ("influence.json", "bcg_reml", "rstudent", 1, "−1.2918"),
    ("influence.json", "bcg_reml", "dffits", 0, "−0.0407"),
    ("influence.json", "bcg_reml", "dffits", 1, "−0.3436"),
    ("influence.json", "bcg_reml", "cook_d", 0, "0.0017"),
    ("influence.json", "bcg_reml", "cook_d", 1, "0.1132"),
]


@pytest.mark.parametrize(("filename", "case", "key", "index", "shown"), METAFOR_PRINTS)
def test_metafor_numbers_on_the_page_are_metafors(
    filename: str, case: str, key: str, index: int | None, shown: str
) -> None:
    page = (DOCS / "metafor.md").read_text(encoding="utf-8")
    assert shown in page, f"the page no longer shows {shown} ({case} {key})"
    value = _case(filename, case)[key]
    if index is not None:
        assert isinstance(value, list)
        value = value[index]
    assert isinstance(value, float)
    decimals = len(shown.split(".")[1])
    assert round(value, decimals) == _num(shown), f"{case} {key}: metafor {value}, page {shown}"


def test_protocol_snippets_are_the_templates_text() -> None:
    """The review.toml excerpts the protocol guide shows are verbatim from the template."""
    from importlib import resources

    template = (resources.files("sysreview") / "templates" / "group-peer-support.toml").read_text(
        encoding="utf-8"
    )
    page = (DOCS / "guide" / "protocol.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", page, flags=re.S)
    assert blocks
    for block in blocks:
        assert block in template, f"not in the template:\n{block}"
