"""The review protocol (``review.toml``) as validated, frozen models.

Read one with :func:`load_protocol` (a file) or :func:`parse_protocol` (text); start from
a template with :func:`template_text`. Every mistake is reported at once, one per line,
with the key path, the value, what is allowed and the line of the file::

    review.toml, line 12: analysis.tau2_method = 'REM': must be one of DL, REML, ML, PM, EB, SJ, HE

Examples
--------
>>> from sysreview.protocol import parse_protocol, template_text
>>> protocol = parse_protocol(template_text("group-peer-support"))
>>> [g.name for g in protocol.outcomes.groups]
['personal_recovery', 'clinical_recovery', 'acute_service_use', 'social_outcomes']
>>> protocol.analysis.evidence.band(0.002), protocol.analysis.magnitude.band(0.18)
('strong', 'negligible')
"""

from sysreview.protocol.analysis import (
    AnalysisPlan,
    BenefitSign,
    Comparators,
    ComparatorType,
    EffectMeasures,
    Evidence,
    Magnitude,
    MetaRegressionPlan,
    MultiArm,
    MultiArmStrategy,
    Sensitivity,
    Subgroup,
    SubgroupLevel,
)
from sysreview.protocol.appraisal import (
    ROB1_DOMAINS,
    ROB2_DOMAINS,
    FullText,
    OverallRule,
    Resolution,
    RiskOfBias,
    Scope,
    Screening,
    Selection,
    TitleAbstract,
    Tool,
)
from sysreview.protocol.certainty import (
    AssumedRisk,
    Grade,
    ImprecisionRule,
    InconsistencyRule,
    Level,
    NamedRisk,
    OutcomeThresholds,
    PublicationBiasRule,
    RiskOfBiasRule,
    Wording,
)
from sysreview.protocol.errors import Problem, ProtocolError
from sysreview.protocol.filters import (
    STUDY_ATTRIBUTES,
    Condition,
    Kind,
    Operator,
    StudyAttribute,
    describe,
    matches,
)
from sysreview.protocol.loader import load_protocol, parse_protocol
from sysreview.protocol.models import SCHEMA_VERSION, Protocol
from sysreview.protocol.outcomes import (
    Domain,
    DomainAnalysis,
    OutcomeGroup,
    OutcomeMeasure,
    Outcomes,
    Pick,
    Timepoints,
)
from sysreview.protocol.review import (
    ELIGIBILITY_DOMAINS,
    Criteria,
    Database,
    Eligibility,
    Question,
    Registration,
    Review,
    Reviewer,
    Role,
    Search,
)
from sysreview.protocol.templates import TEMPLATES, template_text

__all__ = [
    "ELIGIBILITY_DOMAINS",
    "ROB1_DOMAINS",
    "ROB2_DOMAINS",
    "SCHEMA_VERSION",
    "STUDY_ATTRIBUTES",
    "TEMPLATES",
    "AnalysisPlan",
    "AssumedRisk",
    "BenefitSign",
    "ComparatorType",
    "Comparators",
    "Condition",
    "Criteria",
    "Database",
    "Domain",
    "DomainAnalysis",
    "EffectMeasures",
    "Eligibility",
    "Evidence",
    "FullText",
    "Grade",
    "ImprecisionRule",
    "InconsistencyRule",
    "Kind",
    "Level",
    "Magnitude",
    "MetaRegressionPlan",
    "MultiArm",
    "MultiArmStrategy",
    "NamedRisk",
    "Operator",
    "OutcomeGroup",
    "OutcomeMeasure",
    "OutcomeThresholds",
    "Outcomes",
    "OverallRule",
    "Pick",
    "Problem",
    "Protocol",
    "ProtocolError",
    "PublicationBiasRule",
    "Question",
    "Registration",
    "Resolution",
    "Review",
    "Reviewer",
    "RiskOfBias",
    "RiskOfBiasRule",
    "Role",
    "Scope",
    "Screening",
    "Search",
    "Selection",
    "Sensitivity",
    "StudyAttribute",
    "Subgroup",
    "SubgroupLevel",
    "Timepoints",
    "TitleAbstract",
    "Tool",
    "Wording",
    "describe",
    "load_protocol",
    "matches",
    "parse_protocol",
    "template_text",
]
