"""Names a package exports but imports only on first use (PEP 562).

A package's ``__init__`` that imports every submodule makes each ``import
sysreview.x.y`` pay for all of them: ``sysreview status`` imported scikit-learn because
``sysreview.screening`` re-exported the prioritiser. :func:`lazy_exports` gives the
package a module ``__getattr__`` and ``__dir__`` that import a name's module when the
name is first read, so ``from sysreview.screening import rank`` still works and costs
only what it uses. The standard library has no helper for this (``importlib.util.LazyLoader``
defers a whole module, not names of a package), hence this one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module ``__getattr__`` and ``__dir__`` for names imported on first use.

    Parameters
    ----------
    package
        The package's ``__name__`` (for the error message).
    exports
        Public name -> the module that defines it.
    namespace
        The package's ``globals()``; a name read once is stored there, so later reads
        are plain attribute look-ups.

    Examples
    --------
    >>> ns: dict = {}
    >>> getattr_, dir_ = lazy_exports("pkg", {"sqrt": "math"}, ns)
    >>> getattr_("sqrt")(9.0), "sqrt" in ns
    (3.0, True)
    >>> getattr_("nope")
    Traceback (most recent call last):
    AttributeError: module 'pkg' has no attribute 'nope'
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
