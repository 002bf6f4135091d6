"""Risk of bias: the Cochrane RoB 1 and RoB 2 tools as data and pure judgement algorithms.

No I/O, printing or plotting; figures live in :mod:`sysreview.plots`. Short guidance for
each domain and signalling question, from the tools' official guidance, is
:mod:`sysreview.appraisal.guidance`.
"""

from __future__ import annotations

from sysreview.appraisal.attrition import ArmCounts, AttritionSuggestion, suggest_attrition
from sysreview.appraisal.guidance import (
    Rob1Guidance,
    rob1_guidance,
    rob2_domain_guidance,
    rob2_question_guidance,
)
from sysreview.appraisal.rob1 import (
    BiasType,
    DomainJudgement,
    Rob1Assessment,
    Rob1Domain,
    overall_rob1,
)
from sysreview.appraisal.rob2 import (
    Effect,
    Rob2Assessment,
    SignallingQuestion,
    judge_domain,
    overall_rob2,
    questions,
)

__all__ = [
    "ArmCounts",
    "AttritionSuggestion",
    "BiasType",
    "DomainJudgement",
    "Effect",
    "Rob1Assessment",
    "Rob1Domain",
    "Rob1Guidance",
    "Rob2Assessment",
    "SignallingQuestion",
    "judge_domain",
    "overall_rob1",
    "overall_rob2",
    "questions",
    "rob1_guidance",
    "rob2_domain_guidance",
    "rob2_question_guidance",
    "suggest_attrition",
]
