"""The screening state machine driven through the services by random operations
(hypothesis stateful testing): decisions by any screener on any record at either stage,
changes of mind, undos, arbiter resolutions and reassignments, under dual screening
resolved by an arbiter or by discussion. Whatever is refused stores nothing; whatever
is stored keeps the invariants:

- every unit is in exactly one state, and PRISMA 2020's boxes balance;
- a unit is settled only when its assigned reviewers all decided (or it was resolved);
- full-text units are exactly the units settled forward at title/abstract;
- a refused operation leaves the event log as it was.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import func, select

from sysreview.errors import InputError
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project, load_project
from sysreview.project.reporting.prisma_data import prisma_counts
from sysreview.project.selection.corrections import reassign, undo_decision
from sysreview.project.selection.decisions import record_decision
from sysreview.project.selection.state import screening_state
from sysreview.project.storage import DecisionEvent, ScreeningAssignment, open_store
from sysreview.screening.status import State

N = 6
EXTRA = '\n[[review.reviewers]]\nid = "R4"\nname = "Reviewer 4"\nroles = ["screener"]\n'
Screener = st.sampled_from(["R1", "R2", "R4"])
Record = st.integers(1, N)
Stage = st.sampled_from(["ta", "ft"])
Verdict = st.sampled_from(["include", "exclude", "maybe"])


class Screening(RuleBasedStateMachine):
    """One project per run, on SQLite."""

    @initialize(resolution=st.sampled_from(["arbiter", "discussion"]), dual=st.booleans())
    def make(self, resolution: str, dual: bool) -> None:
        self.folder = tempfile.TemporaryDirectory()
        project = Path(self.folder.name) / "p"
        init_project(project, "group-peer-support")
        path = project / "review.toml"
        text = path.read_text(encoding="utf-8")
        text = text.replace('resolution = "arbiter"', f'resolution = "{resolution}"')
        if dual:
            text = text.replace("dual_fraction = 0.10", "dual_fraction = 1.0")
        path.write_text(text + EXTRA, encoding="utf-8")
        ris = "".join(f"TY  - JOUR\nTI  - Trial {i}\nER  -\n" for i in range(1, N + 1))
        (project / "s.ris").write_text(ris, encoding="utf-8")
        import_files(project, [project / "s.ris"], source="MEDLINE")
        self.protocol = load_project(project).protocol
        self.store = open_store(project)

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()
            self.folder.cleanup()

    def _events(self) -> tuple[int, int]:
        with self.store.session(readonly=True) as session:
            return (
                session.scalar(select(func.count()).select_from(DecisionEvent)) or 0,
                session.scalar(select(func.count()).select_from(ScreeningAssignment)) or 0,
            )

    def _attempt(self, operation: object) -> None:
        before = self._events()
        try:
            operation()  # type: ignore[operator]
        except InputError:
            assert self._events() == before  # refused: nothing stored

    @rule(stage=Stage, record=Record, reviewer=Screener, verdict=Verdict)
    def decide(self, stage: str, record: int, reviewer: str, verdict: str) -> None:
        reason = "Not a randomised controlled trial" if stage == "ft" else None
        self._attempt(lambda: record_decision(
            self.store, self.protocol, stage=stage, record_id=record, reviewer=reviewer,
            decision=verdict, reason=reason if verdict == "exclude" else None))  # fmt: skip

    @rule(stage=Stage, record=Record, verdict=st.sampled_from(["include", "exclude"]))
    def resolve(self, stage: str, record: int, verdict: str) -> None:
        reason = "Not a randomised controlled trial" if stage == "ft" else None
        self._attempt(lambda: record_decision(
            self.store, self.protocol, stage=stage, record_id=record, reviewer="R3",
            decision=verdict, resolution=True,
            reason=reason if verdict == "exclude" else None))  # fmt: skip

    @rule(stage=Stage, reviewer=st.sampled_from(["R1", "R2", "R3", "R4"]))
    def undo(self, stage: str, reviewer: str) -> None:
        self._attempt(lambda: undo_decision(
            self.store, self.protocol, stage=stage, reviewer=reviewer))  # fmt: skip

    @rule(stage=Stage, source=Screener, to=Screener, record=Record)
    def move(self, stage: str, source: str, to: str, record: int) -> None:
        self._attempt(lambda: reassign(
            self.store, self.protocol, stage=stage, from_reviewer=source,
            to_reviewer=to, by="admin", records=[record]))  # fmt: skip

    @invariant()
    def consistent(self) -> None:
        if not hasattr(self, "store"):
            return
        state = screening_state(self.store, self.protocol)
        counts = prisma_counts(self.store, protocol=self.protocol)  # refuses unbalanced boxes
        ta = Counter(state.ta.status[u].state for u in state.ta.units)
        assert sum(ta.values()) == len(state.ta.units) == N
        settled_forward = {
            u
            for u in state.ta.units
            if state.ta.status[u].settled and state.ta.status[u].decision in ("include", "maybe")
        }
        assert set(state.ft.units) == settled_forward
        assert counts.reports_sought == len(settled_forward)
        for stage in (state.ta, state.ft):
            for unit in stage.units:
                status = stage.status[unit]
                if status.state is State.FINAL:
                    assert set(status.required) <= set(status.decided)
                if status.state is State.AWAITING_FIRST:
                    assert not set(status.required) & set(status.decided)


Screening.TestCase.settings = settings(max_examples=12, stateful_step_count=25, deadline=None)
test_screening_through_the_services = Screening.TestCase
