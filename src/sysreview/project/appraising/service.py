"""Risk-of-bias use cases of the web form: the appraiser's studies, entries, saving, retracting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sysreview.project.opening import PathLike, Service

if TYPE_CHECKING:
    from sysreview.appraisal.attrition import AttritionSuggestion
    from sysreview.appraisal.rob1 import Rob1Assessment
    from sysreview.appraisal.rob2 import Rob2Assessment, Rob2Judgements
    from sysreview.project.appraising.assessments import RobDiscrepancy
    from sysreview.project.appraising.attrition import RobOverview
    from sysreview.project.appraising.blinding import VisibleConsensus
    from sysreview.project.appraising.entries import RobLoad
    from sysreview.project.appraising.forms import DomainInput
    from sysreview.project.extracting.retracting import Retracted
    from sysreview.project.sheets.results import ImportResult
    from sysreview.screening.interrater import Agreement


class AppraisalService(Service):
    """``project.appraisal``: risk of bias, one appraiser and one study at a time."""

    def studies(self, reviewer: str) -> tuple[str, ...]:
        """The studies ``reviewer`` appraises (the second appraiser: the protocol's share)."""
        from sysreview.project.appraising.forms import studies_to_appraise

        return studies_to_appraise(self.store, self.protocol, reviewer)

    def attrition_suggestion(self, study: str) -> AttritionSuggestion | None:
        """The attrition rule's suggestion for ``study`` (``None``: no rule or no data)."""
        from sysreview.project.appraising.attrition import attrition_suggestion

        return attrition_suggestion(self.store, self.protocol, study)

    def own_entries(self, *, reviewer: str, study: str) -> dict[str, DomainInput]:
        """The appraiser's current judgements of ``study``, by domain."""
        from sysreview.project.appraising.forms import own_rob_entries

        return own_rob_entries(self.store, self.protocol, reviewer=reviewer, study=study)

    def consensus(self, *, reviewer: str, study: str) -> VisibleConsensus:
        """The consensus judgements of ``study`` that ``reviewer`` may see (blinding rule)."""
        from sysreview.project.appraising.blinding import visible_consensus

        return visible_consensus(self.store, self.protocol, reviewer=reviewer, study=study)

    def outcome_keys(self) -> tuple[str, ...]:
        """The form keys ``"<outcome>/<domain>"`` of the protocol's outcome-level domains."""
        from sysreview.project.appraising.forms import form_keys

        return form_keys(self.protocol)

    def save_form(
        self, *, reviewer: str, study: str, domains: Mapping[str, DomainInput]
    ) -> RobLoad:
        """Store a form's judgements of one study (checked as a sheet's rows are)."""
        from sysreview.project.appraising.forms import save_rob_form

        with self.project.write_lock:
            return save_rob_form(
                self.store, self.protocol, reviewer=reviewer, study=study, domains=domains
            )

    def retract(
        self, *, reviewer: str, study: str, domain: str, result: str | None = None,
        consensus: bool = False,
    ) -> Retracted:  # fmt: skip
        """Take back a judgement of one domain (the appraiser's, or the consensus).

        The taking back is a new event; ``result`` names the RoB 2 result it is about.
        """
        from sysreview.project.extracting.retracting import retract_judgement

        with self.project.write_lock:
            return retract_judgement(
                self.store, self.protocol, reviewer=reviewer, study=study, domain=domain,
                result=result, consensus=consensus,
            )  # fmt: skip

    def write_template(self, output: PathLike, *, reviewer: str | None = None) -> int:
        """Write a risk-of-bias sheet (pre-filled with ``reviewer``'s judgements); rows."""
        from sysreview.project.appraising.assessments import write_rob_template

        return write_rob_template(self.store, self.protocol, output, reviewer=reviewer)

    def load_sheet(
        self, sheet: PathLike, *, reviewer: str, consensus: bool = False, force: bool = False
    ) -> ImportResult:
        """Check a filled sheet and store its new and changed judgements (all or none)."""
        from sysreview.project.appraising.sheets import load_rob_sheet

        with self.project.write_lock:
            return load_rob_sheet(
                self.store, self.protocol, sheet, reviewer=reviewer, consensus=consensus,
                force=force,
            )  # fmt: skip

    def overview(self) -> RobOverview:
        """The current judgements per study, the overall ratings and attrition suggestions."""
        from sysreview.project.appraising.attrition import rob_overview

        return rob_overview(self.store, self.protocol)

    def agreement(self) -> Agreement:
        """Agreement of the two appraisers over the domains both judged."""
        from sysreview.project.appraising.assessments import rob_agreement

        return rob_agreement(self.store, self.protocol)

    def discrepancies(self) -> tuple[RobDiscrepancy, ...]:
        """Domains the two appraisers judged differently, with no consensus yet."""
        from sysreview.project.appraising.assessments import rob_discrepancies

        return rob_discrepancies(self.store, self.protocol)

    def assessments(self) -> list[Rob1Assessment | Rob2Assessment | Rob2Judgements]:
        """The current assessment of every study, as the plots draw them."""
        from sysreview.project.appraising.assessments import rob_assessments

        return [a.assessment(self.protocol) for a in rob_assessments(self.store, self.protocol)]


__all__ = ["AppraisalService"]
