"""Builders of GRADE evidence for the rule tests: a pooled outcome from a few numbers."""

from __future__ import annotations

from typing import Any

from sysreview.grade import OutcomeEvidence, StudyEvidence

FAVOURS = ("Favours control", "Favours intervention")


def study(
    name: str, weight: float | None = 50.0, rob: str | None = "low", **kw: Any
) -> StudyEvidence:
    """A study with ``weight`` percent of the analysis and overall risk ``rob``."""
    values: dict[str, Any] = {
        "participants": 100.0, "rob_note": None, "estimate": 0.2, "ci_low": 0.0,
        "ci_high": 0.4, "instrument": "QPR", "flipped": False,
    }  # fmt: skip
    values.update(kw)
    return StudyEvidence(name, values.pop("participants"), weight, rob, **values)


def evidence(
    measure: str = "SMD", studies: tuple[StudyEvidence, ...] = (), **kw: Any
) -> OutcomeEvidence:
    """A pooled outcome (``pooled=False`` for a narrative one) with its studies."""
    chosen = studies or (study("A"), study("B"))
    values: dict[str, Any] = {
        "analysis": "hope.post_intervention.main", "outcome": "hope", "outcome_label": "Hope",
        "timepoint": "post_intervention", "measure": measure, "pooled": True,
        "k": len(chosen), "participants": sum(s.participants for s in chosen), "level": 95.0,
        "studies": chosen, "favours": FAVOURS, "estimate": 0.2, "ci_low": 0.05,
        "ci_high": 0.35, "p": 0.01, "i2": 0.0, "q": 1.0, "p_q": 0.6, "pi_low": 0.0,
        "pi_high": 0.4,
    }  # fmt: skip
    values.update(kw)
    return OutcomeEvidence(**values)
