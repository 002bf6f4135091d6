"""The result of one prioritisation: the unscreened records in the order to screen them.

:class:`Ranking` is what :meth:`sysreview.screening.prioritise.Prioritiser.rank` returns:
the order and the classifier's scores, whether the model could be trained, the counts of
screened records, and the stopping aid when the screening history was given; with
``.to_frame()`` and ``.summary()`` like every result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sysreview.screening.models import MODELS

if TYPE_CHECKING:
    from sysreview.screening.stopping import StoppingEstimate


@dataclass(frozen=True)
class Ranking:
    """Unscreened records in the order to screen them, most likely relevant first.

    Attributes
    ----------
    order
        0-based indices of the unscreened records; a permutation of them.
    scores
        Classifier score of each record in ``order`` (decreasing; higher is more
        likely relevant). All zero when the model is not trained.
    model
        Model name (a key of :data:`MODELS`).
    trained
        False when the screened records lack a relevant or an irrelevant one: the
        order is then the input order.
    n_records, n_relevant, n_irrelevant
        Records in total and screened as relevant / irrelevant.
    stopping
        The stopping aid, when the screening history was given.
    """

    order: tuple[int, ...]
    scores: tuple[float, ...]
    model: str
    trained: bool
    n_records: int
    n_relevant: int
    n_irrelevant: int
    stopping: StoppingEstimate | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per unscreened record: ``rank`` (1-based), ``index``, ``score``."""
        return pd.DataFrame(
            {
                "rank": np.arange(1, len(self.order) + 1),
                "index": np.asarray(self.order, dtype=np.int64),
                "score": np.asarray(self.scores, dtype=float),
            }
        )

    def summary(self) -> str:
        """Formatted text: model, counts, and the stopping aid if present."""
        screened = self.n_relevant + self.n_irrelevant
        lines = [
            f"Ranking by {self.model}: "
            f"{MODELS[self.model].description if self.model in MODELS else 'custom model'}",
            f"Screened {screened} of {self.n_records} "
            f"({self.n_relevant} relevant, {self.n_irrelevant} irrelevant); "
            f"{len(self.order)} ranked.",
        ]
        if not self.trained:
            lines.append(
                "Not trained: needs at least one relevant and one irrelevant record; "
                "unscreened records are in input order."
            )
        if self.stopping is not None:
            lines.append(self.stopping.summary())
        lines.append("The ranking only orders records; it excludes none.")
        return "\n".join(lines)


__all__ = ["Ranking"]
