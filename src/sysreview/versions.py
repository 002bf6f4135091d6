"""The versions of sysreview, Python and the libraries that computed a review's numbers.

A report names them in its methods, so that a re-analysis elsewhere can use the same
(``requirements.lock`` pins them for ``make``).
"""

from __future__ import annotations

import platform
from importlib import metadata

LIBRARIES = ("numpy", "scipy", "pandas", "matplotlib")
"""The libraries behind the numbers and figures (statistics: NumPy, SciPy; tables: pandas)."""


def library_versions() -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of Python and each of :data:`LIBRARIES`, as installed now.

    Examples
    --------
    >>> found = dict(library_versions())
    >>> list(found) == ["Python", *LIBRARIES] and all(found.values())
    True
    """
    found = [("Python", platform.python_version())]
    for name in LIBRARIES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:  # pragma: no cover - core dependencies
            found.append((name, "not installed"))
    return tuple(found)


__all__ = ["LIBRARIES", "library_versions"]
