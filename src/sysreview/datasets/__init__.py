"""Classic meta-analysis datasets, and the demo's data, as pandas DataFrames.

The classic sets are metafor's teaching examples, with metafor's column names, so that
its documentation and Viechtbauer (2010) can be followed line by line:

==================  ===========================================  ========================
function            data                                         measures
==================  ===========================================  ========================
:func:`bcg`         13 BCG vaccine trials (Colditz et al. 1994)  RR, OR, RD; moderators
:func:`normand1999` 9 stroke-care trials (Normand 1999)          MD, SMD, SMDH, ROM
:func:`molloy2014`  16 studies of conscientiousness and          ZCOR
                    adherence (Molloy et al. 2014)
:func:`pritz1997`   14 studies of surgical outcome (Pritz 1997)  PR, PLO, PFT
:func:`hart1999`    6 warfarin trials in atrial fibrillation     IRR
                    (Hart et al. 1999)
==================  ===========================================  ========================

They were written from the R package metadat 1.2-0 (the datasets metafor loads) by
``write.csv(dat.<name>, "<name>.csv", row.names = FALSE, na = "")``; every value is the
published one, transcribed by metadat's authors from the source article named in each
function. metadat is licensed GPL (>= 2); the values themselves are facts from the
published tables, cited here.

The demo's data (:func:`peer_support_recovery`, :func:`metapsy_peer_support`) are
shipped with the package too (``examples/`` is not installed by pip); the copies here are
the same bytes as the files under ``examples/`` (a test keeps them so).

Examples
--------
>>> from sysreview.datasets import bcg
>>> dat = bcg()
>>> dat.shape, list(dat.columns[:4])
((13, 9), ['trial', 'author', 'year', 'tpos'])
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def _read(name: str, **kwargs: object) -> pd.DataFrame:
    import pandas as pd

    with resources.files(__name__).joinpath("data", name).open("rb") as handle:
        return pd.read_csv(handle, **kwargs)  # type: ignore[call-overload, no-any-return]


def bcg() -> pd.DataFrame:
    """BCG vaccine against tuberculosis: 13 trials (metafor's ``dat.bcg``).

    Columns: ``trial, author, year``; ``tpos, tneg`` (tuberculosis cases and non-cases,
    vaccinated), ``cpos, cneg`` (not vaccinated); ``ablat`` (absolute latitude of the
    study site, degrees); ``alloc`` (``random``, ``alternate``, ``systematic``).

    Source: Colditz GA, Brewer TF, Berkey CS, et al. Efficacy of BCG vaccine in the
    prevention of tuberculosis: meta-analysis of the published literature. JAMA
    1994;271:698-702 (Table 1); the worked example of Viechtbauer W, Conducting
    meta-analyses in R with the metafor package, J Stat Softw 2010;36(3). Via metadat
    (GPL >= 2).

    Examples
    --------
    >>> int(bcg()["tpos"].sum())
    1065
    """
    return _read("bcg.csv")


def normand1999() -> pd.DataFrame:
    """Length of hospital stay, specialist vs routine stroke care: 9 trials.

    Columns: ``study, source``; ``n1i, m1i, sd1i`` (specialist care: size, mean and SD
    of the length of stay in days), ``n2i, m2i, sd2i`` (routine care).

    Source: Normand SLT. Meta-analysis: formulating, evaluating, combining, and
    reporting. Stat Med 1999;18:321-359 (Table VI). Via metadat (``dat.normand1999``,
    GPL >= 2).
    """
    return _read("normand1999.csv")


def molloy2014() -> pd.DataFrame:
    """Conscientiousness and medication adherence: 16 correlational studies.

    Columns: ``authors, year``; ``ni`` (sample size), ``ri`` (correlation);
    ``controls, design, a_measure, c_measure, meanage, quality``.

    Source: Molloy GJ, O'Carroll RE, Ferguson E. Conscientiousness and medication
    adherence: a meta-analysis. Ann Behav Med 2014;47:92-101. Via metadat
    (``dat.molloy2014``, GPL >= 2).
    """
    return _read("molloy2014.csv")


def pritz1997() -> pd.DataFrame:
    """Good outcome after surgery for giant intracranial aneurysms: 14 case series.

    Columns: ``study, authors``; ``xi`` (patients with a good outcome), ``ni``
    (patients treated).

    Source: Pritz MB. Evaluation and treatment of aneurysms of the vertebral artery:
    different strategies for different vertebral artery aneurysms. Neurosurgery
    1997;40:1326 (the data analysed in Hamza, van Houwelingen & Stijnen 2008, J Clin
    Epidemiol 61:41-51). Via metadat (``dat.pritz1997``, GPL >= 2).
    """
    return _read("pritz1997.csv")


def hart1999() -> pd.DataFrame:
    """Warfarin vs placebo or control in atrial fibrillation: strokes in 6 trials.

    Columns: ``trial, study, year``; ``x1i, n1i, t1i`` (strokes, patients and
    patient-years on warfarin), ``x2i, n2i, t2i`` (control); ``compgrp, prevtype,
    trinr``.

    Source: Hart RG, Benavente O, McBride R, Pearce LA. Antithrombotic therapy to prevent
    stroke in patients with atrial fibrillation: a meta-analysis. Ann Intern Med
    1999;131:492-501 (Table 1). Via metadat (``dat.hart1999``, GPL >= 2).
    """
    return _read("hart1999.csv")


def peer_support_recovery() -> pd.DataFrame:
    """The demo's per-arm table: peer support and personal recovery (24 comparisons).

    Columns: ``outcome`` (recovery, empowerment, quality of life), ``study``,
    ``subgroup`` (group or individual peer support), ``instrument``, and ``mean_e,
    sd_e, n_e, mean_c, sd_c, n_c`` (post-test means, SDs and Ns; higher is better).
    The same file as ``examples/peer-support-recovery.csv``:
    ``sysreview pool examples/peer-support-recovery.csv --measure SMD --by outcome``.

    Source: derived from the Metapsy peer-support dataset (Smit D, Miguel C, Vrijsen JN,
    et al.; metapsy-project/data-peer-support-interventions, commit 6354c0a; DOI
    10.5281/zenodo.7687898), licensed under the Open Data Commons Attribution License
    (ODC-By) v1.0; it underlies Smit et al., Psychological Medicine 2023 (PMID
    36066104). See ``examples/README.md`` for the changes made.

    Examples
    --------
    >>> peer_support_recovery().groupby("outcome").size().to_dict()
    {'empowerment': 5, 'quality of life': 11, 'recovery': 8}
    """
    return _read("peer_support_recovery.csv")


def metapsy_peer_support() -> pd.DataFrame:
    """The Metapsy peer-support dataset, unchanged: the data of the demo review.

    Source: the ``data.csv`` of metapsy-project/data-peer-support-interventions (commit
    6354c0a8db1c80fab91e6b5e6a6cfea691aee4fa; DOI 10.5281/zenodo.7687898; 66 rows,
    Metapsy's columns), the same file as
    ``examples/group-peer-support/data/metapsy-peer-support.csv``. Authors: Dorien
    Smit, Clara Miguel, Janna Vrijsen, Bart Groeneweg, Jan Spijker, Pim Cuijpers.
    Licensed under the Open Data Commons Attribution License (ODC-By) v1.0.
    """
    return _read("metapsy_peer_support.csv", sep=";", index_col=0)


__all__ = [
    "bcg",
    "hart1999",
    "metapsy_peer_support",
    "molloy2014",
    "normand1999",
    "peer_support_recovery",
    "pritz1997",
]
