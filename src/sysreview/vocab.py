"""The shared vocabulary: measure, method, model and estimator codes.

Codes follow RevMan and metafor (``MD SMD RR OR RD PETO_OR``, metafor's ``ROM SMDH PR
PLO PFT ZCOR IRR``; ``DL REML ML PM EB SJ HE``).
Each enum parses user text case-insensitively and lists the allowed values when it
cannot, e.g. ``Invalid tau2 method 'REM'; must be one of DL, REML, ML, PM, EB, SJ, HE``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class _Code(StrEnum):
    """A string enum that parses case-insensitively with a helpful error."""

    @classmethod
    def label(cls) -> str:
        return cls.__name__.lower()

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """Return the member named by ``value`` (case-insensitive).

        Raises
        ------
        ValueError
            Naming the bad value and every allowed one.
        """
        if isinstance(value, cls):
            return value
        text = str(value).strip()
        for member in cls:
            if member.value.lower() == text.lower() or member.name.lower() == text.lower():
                return member
        allowed = ", ".join(m.value for m in cls)
        raise ValueError(f"Invalid {cls.label()} {value!r}; must be one of {allowed}")


class Measure(_Code):
    """Effect measure of a study (metafor's ``escalc`` codes; ``PETO_OR`` is its ``PETO``).

    Two groups: ``MD SMD SMDH ROM`` (means, SDs, Ns), ``RR OR RD PETO_OR`` (2x2 tables),
    ``IRR`` (events and person-time); one group: ``PR PLO PFT`` (events of N),
    ``ZCOR`` (a correlation and its N); ``GIV`` an estimate with its SE. The formulas
    are in :mod:`sysreview.effects.registry`.
    """

    MD = "MD"
    SMD = "SMD"
    RR = "RR"
    OR = "OR"
    RD = "RD"
    PETO_OR = "PETO_OR"
    GIV = "GIV"
    SMDH = "SMDH"
    ROM = "ROM"
    PR = "PR"
    PLO = "PLO"
    PFT = "PFT"
    ZCOR = "ZCOR"
    IRR = "IRR"

    @classmethod
    def label(cls) -> str:
        """The name of the vocabulary in error messages."""
        return "measure"

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """As :meth:`_Code.parse`; metafor's ``PETO`` is read as ``PETO_OR``.

        >>> Measure.parse("peto"), Measure.parse("zcor")
        (<Measure.PETO_OR: 'PETO_OR'>, <Measure.ZCOR: 'ZCOR'>)
        """
        if isinstance(value, str) and value.strip().upper() == "PETO":
            return cls("PETO_OR")
        return super().parse(value)

    @property
    def is_ratio(self) -> bool:
        """Whether the measure is analysed on the log scale (RR, OR, Peto OR, ROM, IRR)."""
        return self in (Measure.RR, Measure.OR, Measure.PETO_OR, Measure.ROM, Measure.IRR)

    @property
    def is_dichotomous(self) -> bool:
        """Whether the measure is computed from 2x2 tables."""
        return self in (Measure.RR, Measure.OR, Measure.RD, Measure.PETO_OR)

    @property
    def is_continuous(self) -> bool:
        """Whether the measure is computed from means, SDs and Ns."""
        return self in (Measure.MD, Measure.SMD, Measure.SMDH, Measure.ROM)

    @property
    def is_standardised(self) -> bool:
        """Whether the measure is a standardised mean difference (SMD, SMDH)."""
        return self in (Measure.SMD, Measure.SMDH)


class Method(_Code):
    """Pooling method: inverse variance, Mantel-Haenszel or Peto."""

    IV = "IV"
    MH = "MH"
    PETO = "PETO"


class Model(_Code):
    """Fixed-effect (common-effect) or random-effects model."""

    FIXED = "fixed"
    RANDOM = "random"


class Tau2Method(_Code):
    """Between-study variance estimators (metafor's codes)."""

    DL = "DL"
    REML = "REML"
    ML = "ML"
    PM = "PM"
    EB = "EB"
    SJ = "SJ"
    HE = "HE"

    @classmethod
    def label(cls) -> str:
        """The name of the vocabulary in error messages."""
        return "tau2 method"


class CIMethod(_Code):
    """Inference for the pooled effect: Wald z or Hartung-Knapp-Sidik-Jonkman."""

    Z = "z"
    HKSJ = "hksj"

    @classmethod
    def label(cls) -> str:
        """The name of the vocabulary in error messages."""
        return "CI method"

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """As :meth:`_Code.parse`; metafor's ``knha`` (Knapp & Hartung) is ``hksj``.

        >>> CIMethod.parse("knha")
        <CIMethod.HKSJ: 'hksj'>
        """
        if isinstance(value, str) and value.strip().lower() == "knha":
            return cls("hksj")
        return super().parse(value)


class Convention(_Code):
    """Whose conventions to reproduce: RevMan 5's or R metafor's."""

    REVMAN = "revman"
    METAFOR = "metafor"


__all__ = ["CIMethod", "Convention", "Measure", "Method", "Model", "Tau2Method"]
