"""Regenerate ``agreement.json``: reference values from irrCAC (Python) and statsmodels.

Not a test. R's ``irr`` and ``irrCAC`` could not be installed on the machine that wrote
the file (no CRAN access; neither is packaged in Debian), so the references come from
two independent Python implementations, run in a separate virtual environment::

    python -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install irrCAC==0.4.4 statsmodels==0.15.0
    /tmp/refvenv/bin/python validation/agreement_reference.py

* kappa, its FCE 1969 standard error and the null standard error, z and p:
  ``statsmodels.stats.inter_rater.cohens_kappa(table)``.
* AC1, its standard error and t interval: ``irrCAC.raw.CAC(ratings, digits=17).gwet()``
  (a port of R irrCAC's ``gwet.ac1.raw``), with ratings expanded from the table.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

CASES = {
    # Gwet (2014) Handbook, ch. 2: pregnancy type by two abstractors (irrCAC
    # cont3x3abstractors; rows abstractor 1).
    "gwet2014_abstractors": (["Ectopic", "AIU", "NIU"], [[13, 0, 0], [0, 20, 7], [0, 4, 56]]),
    # irrCAC cont4x4diagnosis: 223 psychiatric patients, clinical vs research diagnosis.
    "gwet2014_diagnosis": (
        ["Schizophrenia", "Bipolar", "Depression", "Other"],
        [[40, 4, 4, 17], [6, 25, 2, 13], [4, 1, 21, 12], [15, 5, 9, 45]],
    ),
    # Fleiss, Cohen & Everitt (1969) / Fleiss, Levin & Paik (2003) Table 18.1, n = 100.
    "fleiss_diagnoses": (
        ["Psychotic", "Neurotic", "Organic"],
        [[75, 1, 4], [5, 4, 1], [0, 0, 10]],
    ),
    # A kappa paradox table: 94% agreement, kappa near zero.
    "paradox": (["exclude", "include"], [[118, 5], [2, 0]]),
    # Screening with three decisions.
    "screening_maybe": (
        ["exclude", "include", "maybe"],
        [[150, 6, 5], [4, 40, 3], [2, 1, 9]],
    ),
    # Perfect agreement, both categories used.
    "perfect": (["exclude", "include"], [[88, 0], [0, 12]]),
    # Small n.
    "small": (["exclude", "include"], [[2, 1], [0, 1]]),
}


def main() -> None:
    """Compute the references of every case of :data:`CASES` and write ``agreement.json``."""
    import irrCAC
    import numpy as np
    import pandas as pd
    import statsmodels
    from irrCAC.raw import CAC
    from statsmodels.stats.inter_rater import cohens_kappa

    out = []
    for name, (cats, table) in CASES.items():
        a, b = [], []
        for i, row in enumerate(table):
            for j, count in enumerate(row):
                a += [cats[i]] * count
                b += [cats[j]] * count
        k = cohens_kappa(np.array(table, dtype=float))
        g = CAC(pd.DataFrame({"a": a, "b": b}), digits=17).gwet()["est"]
        out.append(
            {
                "name": name,
                "categories": cats,
                "table": table,
                "expected": {
                    "kappa": float(k.kappa),
                    "kappa_se": float(k.std_kappa),
                    "kappa_se0": float(k.std_kappa0),
                    "kappa_z": float(k.z_value),
                    "kappa_p": float(k.pvalue_two_sided),
                    "ac1": float(g["coefficient_value"]),
                    "ac1_se": float(g["se"]),
                    "ac1_ci": [float(x) for x in g["confidence_interval"]],
                },
            }
        )
    doc = {
        "provenance": {
            "python": platform.python_version(),
            "irrCAC": irrCAC.__version__ if hasattr(irrCAC, "__version__") else "0.4.4",
            "statsmodels": statsmodels.__version__,
            "calls": {
                "kappa": "statsmodels.stats.inter_rater.cohens_kappa(np.array(table, float))",
                "ac1": "irrCAC.raw.CAC(pd.DataFrame({'a': a, 'b': b}), digits=17).gwet()",
            },
            "script": "validation/agreement_reference.py",
        },
        "cases": out,
    }
    path = (
        Path(__file__).resolve().parents[1] / "tests" / "reference" / "screening" / "agreement.json"
    )
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
