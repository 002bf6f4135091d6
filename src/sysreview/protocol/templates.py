"""Protocol templates shipped with sysreview (``sysreview/templates/*.toml``).

``group-peer-support`` is the seed review's protocol (Lyons, Cooper & Lloyd-Evans 2021,
PROSPERO CRD42019145217), ready to use; ``blank`` is a commented skeleton documenting
every key, valid as it stands.
"""

from __future__ import annotations

from importlib import resources

TEMPLATES = ("group-peer-support", "blank")
"""Names accepted by :func:`template_text`."""


def template_text(name: str) -> str:
    """The text of a protocol template.

    Examples
    --------
    >>> template_text("blank").splitlines()[0].startswith("#")
    True
    >>> template_text("nope")
    Traceback (most recent call last):
    ...
    ValueError: Invalid template 'nope'; must be one of group-peer-support, blank

    Raises
    ------
    ValueError
        For an unknown name.
    """
    if name not in TEMPLATES:
        raise ValueError(f"Invalid template {name!r}; must be one of {', '.join(TEMPLATES)}")
    path = resources.files("sysreview").joinpath("templates").joinpath(f"{name}.toml")
    return path.read_text(encoding="utf-8")


def template_searches(name: str) -> dict[str, str]:
    """The search strategies a template comes with: ``{file name: text}``.

    Examples
    --------
    >>> sorted(template_searches("group-peer-support"))
    ['group-peer-support.toml']
    >>> template_searches("blank")
    {}
    """
    if name not in TEMPLATES:
        raise ValueError(f"Invalid template {name!r}; must be one of {', '.join(TEMPLATES)}")
    folder = resources.files("sysreview").joinpath("templates").joinpath("searches")
    path = folder.joinpath(f"{name}.toml")
    return {path.name: path.read_text(encoding="utf-8")} if path.is_file() else {}


__all__ = ["TEMPLATES", "template_searches", "template_text"]
