"""Risk-of-bias use cases of the web form: the appraiser's studies, entries, saving, retracting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sysreview.project.opening import Service

if TYPE_CHECKING:
    from sysreview.appraisal.attrition import AttritionSuggestion
    from sysreview.project.appraising.entries import RobLoad
    from sysreview.project.appraising.forms import DomainInput
    from sysreview.project.extracting.retracting import Retracted


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

    def save_form(
        self, *, reviewer: str, study: str, domains: Mapping[str, DomainInput]
    ) -> RobLoad:
        """Store a form's judgements of one study (checked as a sheet's rows are)."""
        from sysreview.project.appraising.forms import save_rob_form

        with self.project.write_lock:
            return save_rob_form(
                self.store, self.protocol, reviewer=reviewer, study=study, domains=domains
            )

    def retract(self, *, reviewer: str, study: str, domain: str) -> Retracted:
        """Take back the appraiser's judgement of one domain (a new event)."""
        from sysreview.project.extracting.retracting import retract_judgement

        with self.project.write_lock:
            return retract_judgement(
                self.store, self.protocol, reviewer=reviewer, study=study, domain=domain
            )


__all__ = ["AppraisalService"]
