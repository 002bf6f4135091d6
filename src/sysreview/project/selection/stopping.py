"""Stopping prioritised title/abstract screening: the aid, the random sample, the decision.

Nothing is ever excluded automatically. The team sees the stopping aid
(:func:`stopping_aid`: estimated recall, its lower bound, the test, the records that
stopping now would leave), may begin screening a random sample of the records left
(:func:`begin_random_sample`; Callaghan & Müller-Hansen 2020's exact test needs it), and
records a stop (:func:`record_stop`) or withdraws one (:func:`resume_screening`). Each is
an append-only ``stopping_event`` with who, when and the evidence shown at that moment;
:func:`stop_statements` gives the report's sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.project.selection.prioritising import ScreeningHistory, screening_history
from sysreview.project.storage import Store
from sysreview.project.storage.screening_aids import StoppingEvent
from sysreview.protocol import Protocol
from sysreview.screening.stop_record import StopRecord, sample_order, stop_statement
from sysreview.screening.stopping import StoppingEstimate, estimate_stopping

__all__ = [
    "StoppingAid",
    "begin_random_sample",
    "record_stop",
    "resume_screening",
    "sample_queue",
    "screen_stop",
    "stop_action",
    "stop_statements",
    "stopping_aid",
    "stopping_log",
]

Action = Literal["status", "sample", "stop", "resume"]
STAGE = "ta"  # prioritisation, and so stopping, is at title/abstract


@dataclass(frozen=True)
class StoppingAid:
    """The stopping aid at a stage and the log of stopping decisions so far.

    Attributes
    ----------
    estimate
        The aid now (None before anything was screened).
    sample
        The event that began the random sample, if one was begun.
    stopped
        The stop in force, if screening is stopped.
    log
        Every stopping event at the stage, oldest first.
    """

    estimate: StoppingEstimate | None
    sample: StopRecord | None
    stopped: StopRecord | None
    log: tuple[StopRecord, ...]

    def summary(self) -> str:
        """The aid's text, the phase, and the stop in force."""
        lines = []
        if self.estimate is None:
            lines.append("Stopping aid: nothing screened yet.")
        else:
            lines.append(self.estimate.summary())
        if self.sample is not None:
            lines.append(
                f"A random sample of the records left has been screened since "
                f"{self.sample.at:%Y-%m-%d} (begun by {self.sample.who} after "
                f"{self.sample.n_screened} records)."
            )
        if self.stopped is not None:
            lines.append(stop_statement(self.stopped))
        return "\n".join(lines)


def _record(event: StoppingEvent) -> StopRecord:
    return StopRecord(
        stage=event.stage,
        kind=event.kind,
        who=event.who,
        at=event.created_at,
        method=event.method,
        n_total=event.n_total,
        n_screened=event.n_screened,
        n_relevant=event.n_relevant,
        recall_target=event.recall_target,
        alpha=event.alpha,
        p_value=event.p_value,
        recall_estimate=event.recall_estimate,
        recall_lower_bound=event.recall_lower_bound,
        sample_start=event.sample_start,
        sample_seed=event.sample_seed,
        evidence=event.evidence,
        note=event.note,
    )


def stopping_log(store: Store, stage: str = STAGE) -> tuple[StopRecord, ...]:
    """Every stopping event at ``stage``, oldest first."""
    with store.session(readonly=True) as session:
        query = select(StoppingEvent).where(StoppingEvent.stage == stage)
        return tuple(_record(e) for e in session.scalars(query.order_by(StoppingEvent.id)))


def _state(log: Sequence[StopRecord]) -> tuple[StopRecord | None, StopRecord | None]:
    sample = next((e for e in reversed(log) if e.kind == "sample"), None)
    stopped = log[-1] if log and log[-1].kind == "stop" else None
    return sample, stopped


def stopping_aid(
    store: Store,
    protocol: Protocol,
    *,
    recall_target: float = 0.95,
    alpha: float = 0.05,
    history: ScreeningHistory | None = None,
) -> StoppingAid:
    """The stopping aid for title/abstract screening now, with the stopping log.

    ``history`` (from :func:`~sysreview.project.selection.prioritising.screening_history`) saves
    reading the decision log again when the caller already has it.
    """
    log = stopping_log(store)
    sample, stopped = _state(log)
    if history is None:
        history = screening_history(store, protocol, STAGE)
    estimate = None
    if history.history:
        start = None if sample is None else min(sample.n_screened, len(history.history))
        estimate = estimate_stopping(
            history.screened,
            len(history.units),
            recall_target=recall_target,
            alpha=alpha,
            sample_start=start,
        )
    return StoppingAid(estimate, sample, stopped, log)


def _check_who(protocol: Protocol, who: str) -> None:
    if protocol.review.reviewer(who) is None:
        known = ", ".join(r.id for r in protocol.review.reviewers)
        raise InputError(f"unknown reviewer {who!r}; the protocol's reviewers are {known}")


def _add(
    store: Store,
    kind: str,
    who: str,
    aid: StoppingAid,
    *,
    note: str | None,
    sample_start: int | None = None,
    seed: int | None = None,
) -> StopRecord:
    est = aid.estimate
    if est is None:
        raise InputError("nothing has been screened at title/abstract yet")
    event = StoppingEvent(
        stage=STAGE,
        kind=kind,
        who=who,
        method=est.method,
        n_total=est.n_total,
        n_screened=est.n_screened,
        n_relevant=est.n_relevant,
        recall_target=est.recall_target,
        alpha=est.alpha,
        p_value=est.p_value,
        recall_estimate=est.recall_estimate,
        recall_lower_bound=est.recall_lower_bound,
        sample_start=est.sample_start if sample_start is None else sample_start,
        sample_seed=(aid.sample.sample_seed if aid.sample is not None else None)
        if seed is None
        else seed,
        evidence=est.summary(),
        note=note or None,
    )
    with store.session() as session:
        session.add(event)
        session.flush()
        record = _record(event)
        payload = {"n_screened": est.n_screened, "method": est.method}
        store.audit(who, f"stopping {kind}", "stopping_event", event.id, payload, session=session)
    return record


def begin_random_sample(
    store: Store, protocol: Protocol, who: str, *, seed: int = 0, note: str | None = None
) -> StopRecord:
    """Record that the team now screens a random sample of the records left.

    From now on the queue serves the records left in :func:`sample_queue` order, and the
    aid uses the exact random-sampling test on them.
    """
    _check_who(protocol, who)
    aid = stopping_aid(store, protocol)
    if aid.sample is not None:
        raise InputError(
            f"a random sample is already being screened (begun {aid.sample.at:%Y-%m-%d} "
            f"by {aid.sample.who} after {aid.sample.n_screened} records)"
        )
    if aid.stopped is not None:
        raise InputError("screening is stopped; resume it first")
    n = 0 if aid.estimate is None else aid.estimate.n_screened
    return _add(store, "sample", who, aid, note=note, sample_start=n, seed=seed)


def record_stop(
    store: Store, protocol: Protocol, who: str, *, note: str | None = None
) -> StopRecord:
    """Record the team's decision to stop title/abstract screening, with the evidence."""
    _check_who(protocol, who)
    aid = stopping_aid(store, protocol)
    if aid.stopped is not None:
        raise InputError(
            f"screening is already stopped ({aid.stopped.at:%Y-%m-%d}, by {aid.stopped.who})"
        )
    return _add(store, "stop", who, aid, note=note)


def resume_screening(
    store: Store, protocol: Protocol, who: str, *, note: str | None = None
) -> StopRecord:
    """Withdraw the stop in force: screening goes on (the stop stays in the log)."""
    _check_who(protocol, who)
    aid = stopping_aid(store, protocol)
    if aid.stopped is None:
        raise InputError("screening is not stopped")
    return _add(store, "resume", who, aid, note=note)


def sample_queue(
    store: Store, protocol: Protocol, pending: Sequence[int]
) -> tuple[int, ...] | None:
    """``pending`` records in random-sample order while a sample is screened, else None.

    The order is :func:`~sysreview.screening.stop_record.sample_order` of the units left
    undecided when the sample began (fixed for the whole sample, so that every prefix is
    a simple random sample), restricted to the records still pending.
    """
    sample, _ = _state(stopping_log(store))
    if sample is None:
        return None
    history = screening_history(store, protocol, STAGE)
    before = {history.units[k] for k in history.history[: sample.n_screened]}
    left = [u for u in history.units if u not in before]
    wanted = set(pending)
    order = sample_order(left, sample.sample_seed or 0)
    return tuple(i for i in order if i in wanted)


def stop_statements(store: Store) -> list[str]:
    """The report's sentence for each stop in force (empty if screening was not stopped)."""
    _, stopped = _state(stopping_log(store))
    return [] if stopped is None else [stop_statement(stopped)]


def screen_stop(
    directory: str | Path,
    action: Action,
    *,
    who: str | None = None,
    note: str | None = None,
    seed: int = 0,
    db_url: str | None = None,
) -> tuple[StoppingAid, StopRecord | None]:
    """``sysreview screen stop`` on the project in ``directory``: see :func:`stop_action`."""
    from sysreview.project.opening import open_project

    with open_project(directory, db_url) as project:
        return project.screening.stop(action, who=who, note=note, seed=seed)


def stop_action(
    store: Store,
    protocol: Protocol,
    action: Action,
    *,
    who: str | None = None,
    note: str | None = None,
    seed: int = 0,
) -> tuple[StoppingAid, StopRecord | None]:
    """Show the stopping aid, begin a random sample, stop or resume (``action``).

    Returns the aid after the action and the event recorded (None for ``status``).
    """
    if action not in ("status", "sample", "stop", "resume"):
        raise InputError(f"invalid action {action!r}; must be one of status, sample, stop, resume")
    event = None
    if action != "status":
        if not who:
            raise InputError(f"'{action}' needs --who (a protocol reviewer id, e.g. R1)")
        if action == "sample":
            event = begin_random_sample(store, protocol, who, seed=seed, note=note)
        elif action == "stop":
            event = record_stop(store, protocol, who, note=note)
        else:
            event = resume_screening(store, protocol, who, note=note)
    return stopping_aid(store, protocol), event
