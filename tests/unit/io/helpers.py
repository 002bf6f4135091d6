"""A one-domain project for the adapter tests: the blank template with two measures."""

from __future__ import annotations

from pathlib import Path

from sysreview.protocol import template_text

MEASURES = """measures = [
  { name = "M", higher_is_better = true, validated = true },
  { name = "E", higher_is_better = false, validated = true },
]"""


def project(
    folder: Path, *, convention: str = "revman", method: str = "IV", same_instrument: str = "MD"
) -> Path:
    """``folder`` with a ``review.toml``: domain ``domain_1`` with measures ``M`` (higher is
    better) and ``E`` (lower is better, e.g. events), comparator ``TAU``, random effects
    with DerSimonian-Laird, the given convention, pooling method and effect measure of one
    instrument, at least 3 studies."""
    text = template_text("blank")
    old = text[text.index("measures = [") : text.index("]", text.index("measures = [")) + 1]
    text = text.replace(old, MEASURES)
    text = text.replace('model = "random"', f'model = "random"\nmethod = "{method}"', 1)
    text = text.replace('convention = "revman"', f'convention = "{convention}"', 1)
    text = text.replace('same_instrument = "MD"', f'same_instrument = "{same_instrument}"', 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "review.toml").write_text(text, encoding="utf-8")
    return folder
