"""Large synthetic de-duplication sets built only from real records, with ground truth.

A real search export of a systematic review holds mostly *different* papers and a
minority of duplicates in small groups (20-50% of records are duplicates, groups of two
to four).  :func:`synthetic_set` reproduces that structure from real records:

* **Distinct papers.**  Each new paper is built from one real record (its journal,
  publication type and the shape of its title), but its title mixes about half of that
  record's title words with words from another real title (shuffled), its one to six
  authors are drawn (in random order) from the author lists of two further real records
  and its abstract from the first of them, and its year, volume, issue, pages and DOI are
  drawn afresh (DOIs are unique, ``10.5555/synthetic.<k>``; the source record's DOI is
  never reused).  So new papers are genuinely different from each other and from the
  real records.
* **Duplicates.**  A paper is exported again, with the perturbations of another
  database's export: title typos, upper case or a trailing dot; MEDLINE-style or
  dot-free author initials; abbreviated journal names; dropped DOIs and pages.  Group
  sizes are drawn from :data:`GROUP_SIZES` (by default 64% of papers appear once, 22%
  twice, 11% three times, 4% four times: about 35% of the records are duplicates).
* **The real records** themselves come first, unchanged, with their own ground truth.

The ground truth is one label per record (records with the same label are the same
paper).  :func:`pair_confusion` compares it with predicted labels, pairwise.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from sysreview.records.model import Citation

__all__ = ["GROUP_SIZES", "PairCounts", "SyntheticSet", "pair_confusion", "synthetic_set"]

IntArray = npt.NDArray[np.int64]

#: Probability that a new paper is exported 1, 2, 3 or 4 times.  Mean group size
#: 1.54, so (records - papers) / records = 0.35.
GROUP_SIZES: dict[int, float] = {1: 0.641, 2: 0.215, 3: 0.108, 4: 0.036}

_JOURNAL_WORDS = {
    "journal": "J",
    "american": "Am",
    "international": "Int",
    "medicine": "Med",
    "medical": "Med",
    "clinical": "Clin",
    "research": "Res",
    "review": "Rev",
    "reviews": "Rev",
    "british": "Br",
    "annals": "Ann",
    "archives": "Arch",
    "science": "Sci",
    "society": "Soc",
}
_SKIP = {"of", "the", "and", "&"}


@dataclass(frozen=True)
class SyntheticSet:
    """Records and their ground truth: ``labels[k]`` names the paper record ``k`` is."""

    citations: list[Citation]
    labels: IntArray
    n_real: int

    @property
    def n_duplicates(self) -> int:
        """Records beyond the first of each paper."""
        return len(self.labels) - len(np.unique(self.labels))


@dataclass(frozen=True)
class PairCounts:
    """Pairwise confusion of predicted against true duplicate groups."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / max(self.tp + self.fp, 1)

    @property
    def recall(self) -> float:
        return self.tp / max(self.tp + self.fn, 1)


def _pairs_within(labels: IntArray) -> int:
    counts = np.unique(labels, return_counts=True)[1].astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def pair_confusion(truth: IntArray, predicted: IntArray) -> PairCounts:
    """Pairs in one true group and one predicted group (TP), predicted only (FP), true only (FN).

    Examples
    --------
    >>> pair_confusion(np.array([0, 0, 0, 1]), np.array([5, 5, 7, 7]))
    PairCounts(tp=1, fp=1, fn=2)
    """
    truth, predicted = np.asarray(truth, np.int64), np.asarray(predicted, np.int64)
    _, t = np.unique(truth, return_inverse=True)
    _, p = np.unique(predicted, return_inverse=True)
    both = t.astype(np.int64) * (int(p.max(initial=0)) + 1) + p
    tp = _pairs_within(both)
    return PairCounts(tp, _pairs_within(p.astype(np.int64)) - tp, _pairs_within(truth) - tp)


def _words(text: str | None) -> list[str]:
    return (text or "").split()


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 10:
        return text
    k = rng.randrange(len(text))
    return text[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[k + 1 :]


def _medline_author(name: str) -> str:
    """``"Smith, John A."`` -> ``"Smith JA"``."""
    surname, _, given = name.partition(",")
    initials = "".join(w[0] for w in given.replace(".", " ").replace("-", " ").split())
    return f"{surname.strip()} {initials.upper()}".strip()


def _abbreviate(journal: str) -> str:
    words = [w for w in journal.replace(".", "").split() if w.lower() not in _SKIP]
    return " ".join(_JOURNAL_WORDS.get(w.lower(), w[:5]) for w in words)


def perturb(c: Citation, rng: random.Random, position: int, record_id: str) -> Citation:
    """The same paper as another database might export it."""
    title = c.title or ""
    if rng.random() < 0.3:
        title = _typo(title, rng)
    if rng.random() < 0.2:
        title = title.upper() if rng.random() < 0.5 else title.rstrip(".") + "."
    authors = c.authors
    draw = rng.random()
    if draw < 0.3:
        authors = tuple(_medline_author(a) for a in authors)
    elif draw < 0.5:
        authors = tuple(a.replace(".", "").replace(" ", "") for a in authors)
    journal = c.journal
    if journal and rng.random() < 0.3:
        journal = _abbreviate(journal)
    return replace(
        c,
        position=position,
        line=None,
        record_id=record_id,
        title=title,
        authors=authors,
        journal=journal,
        doi=None if rng.random() < 0.4 else c.doi,
        pages=None if rng.random() < 0.1 else c.pages,
        raw={},
    )


def new_paper(records: Sequence[Citation], rng: random.Random, position: int, key: int) -> Citation:
    """A paper that is not in ``records``, made by recombining four real records."""
    base, other, people, more = (records[rng.randrange(len(records))] for _ in range(4))
    own, borrowed = _words(base.title), _words(other.title)
    pool = list(dict.fromkeys(people.authors + more.authors))
    authors = tuple(rng.sample(pool, min(len(pool), rng.randrange(1, 7))))
    words = rng.sample(own, (len(own) + 1) // 2) + rng.sample(borrowed, len(borrowed) // 2)
    rng.shuffle(words)
    first = rng.randrange(1, 2500)
    return Citation(
        position=position,
        record_id=f"syn{key}",
        title=" ".join(words).capitalize() or None,
        authors=authors,
        year=rng.randrange(1990, 2024),
        journal=base.journal,
        volume=str(rng.randrange(1, 120)),
        issue=str(rng.randrange(1, 13)),
        pages=f"{first}-{first + rng.randrange(0, 15)}",
        doi=f"10.5555/synthetic.{key}" if base.doi else None,
        abstract=people.abstract,
        publication_type=base.publication_type,
    )


def _group_size(rng: random.Random, sizes: dict[int, float]) -> int:
    return rng.choices(list(sizes), weights=list(sizes.values()))[0]


def synthetic_set(
    real: Sequence[Citation],
    real_labels: Sequence[int],
    n: int,
    *,
    seed: int = 1,
    sizes: dict[int, float] | None = None,
) -> SyntheticSet:
    """``n`` records: the real ones, then new papers, each exported 1-4 times.

    Parameters
    ----------
    real
        Real records (used as they are, and as material for new papers).
    real_labels
        Ground truth of the real records (same label = same paper).
    n
        Total number of records (at least ``len(real)``; the real records are cut to
        ``n`` when there are more).
    seed
        Seed of the random generator; the set is a pure function of its arguments.
    sizes
        Group-size distribution (default :data:`GROUP_SIZES`).

    Examples
    --------
    >>> real = [Citation(1, title="Aspirin after stroke in older adults", authors=("Li, X",),
    ...                  year=2001, journal="Stroke", pages="1-9", doi="10.1/a")]
    >>> data = synthetic_set(real, [0], 6, sizes={2: 1.0})
    >>> data.labels.tolist()
    [0, 1, 1, 2, 2, 3]
    """
    sizes = sizes or GROUP_SIZES
    rng = random.Random(seed)
    citations = list(real[:n])
    labels = [int(x) for x in real_labels[:n]]
    label = max(labels, default=-1) + 1
    while len(citations) < n:
        paper = new_paper(real, rng, len(citations) + 1, label)
        citations.append(paper)
        labels.append(label)
        for copy in range(1, min(_group_size(rng, sizes), n - len(citations) + 1)):
            citations.append(perturb(paper, rng, len(citations) + 1, f"syn{label}-{copy}"))
            labels.append(label)
        label += 1
    return SyntheticSet(citations, np.asarray(labels, dtype=np.int64), min(len(real), n))
