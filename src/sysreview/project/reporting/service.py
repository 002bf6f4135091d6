"""Use case ``sysreview prisma``: the PRISMA 2020 flow's counts of a project."""

from __future__ import annotations

from sysreview.prisma import PrismaCounts
from sysreview.project.opening import PathLike, opened
from sysreview.project.reporting.prisma_data import prisma_counts


def prisma_flow(directory: PathLike, db_url: str | None = None) -> PrismaCounts:
    """The PRISMA 2020 flow diagram's counts, derived from records and decision events,
    plus the counts from other sources the project recorded
    (:func:`sysreview.project.reporting.prisma_data.prisma_counts`).

    Whether a title/abstract "maybe" goes forward is the protocol's
    ``screening.maybe_goes_forward``.
    """
    with opened(directory, db_url) as (project, store):
        return prisma_counts(store, protocol=project.protocol)


__all__ = ["prisma_flow"]
