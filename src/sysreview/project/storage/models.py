"""Every table of the store, registered on :class:`~sysreview.project.storage.base.Base`.

A table class joins ``Base.metadata`` when its module is imported, and the package
imports a module only when one of its names is first used (a command pays only for the
tables it reads). What needs the whole schema, the migrations' comparison with the models
and the dump, asks :func:`full_metadata` for it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from sysreview.project.storage.base import Base

if TYPE_CHECKING:
    from sqlalchemy import MetaData

MODEL_MODULES = (
    "records",
    "studies",
    "fulltexts",
    "certainty",
    "prisma",
    "identity",
    "labels",
    "accounts",
    "screening_aids",
)
"""The modules of :mod:`sysreview.project.storage` that define tables."""


def full_metadata() -> MetaData:
    """``Base.metadata`` with every table of the store in it.

    Examples
    --------
    >>> tables = full_metadata().tables
    >>> "record" in tables and "account" in tables and "grade_rating" in tables
    True
    """
    for module in MODEL_MODULES:
        import_module(f"sysreview.project.storage.{module}")
    return Base.metadata


__all__ = ["MODEL_MODULES", "full_metadata"]
