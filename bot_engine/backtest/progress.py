"""A backtest job's progress and abort flag, on its row: what ``GET /backtest`` and
``/background`` show while the simulator runs in a worker process."""

from __future__ import annotations

import time

from bot_engine.models import BacktestRun, BacktestStatus

PROGRESS_INTERVAL = 0.25  # seconds between two progress writes (a few per second at most)
ABORT_POLL_INTERVAL = 0.5  # seconds between two reads of abort_requested
STARTUP_TASKS = 4.0  # /background's first progress task counts the start-up in 4 steps


class Tracker:
    """The simulator's ``progress`` and ``should_stop`` callbacks, on the job's row."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.stop_seen = False
        self.total = 0.0  # candles of the main loop, once the simulator's end is known
        self._step = ""
        self._fraction = 0.0
        self._written_at = 0.0
        self._polled_at = 0.0

    def progress(self, step: str, fraction: float, trade_count: int | None = None) -> None:
        now = time.monotonic()
        self._fraction = float(fraction)
        if step == self._step and now - self._written_at < PROGRESS_INTERVAL:
            return
        self._step, self._written_at = step, now
        BacktestRun.objects.filter(pk=self.pk, status=BacktestStatus.RUNNING).update(
            step=step,
            progress=self._fraction,
            trade_count=trade_count,
            progress_tasks=self.tasks(step, self._fraction),
        )

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.stop_seen and now - self._polled_at >= ABORT_POLL_INTERVAL:
            self._polled_at = now
            rows = BacktestRun.objects.filter(pk=self.pk, abort_requested=True)
            self.stop_seen = rows.exists()
        return self.stop_seen

    def tasks(self, step: str, fraction: float) -> dict:
        """/background's progress_tasks: the start-up, then the main loop over the candles."""
        total = self.total or 100.0
        if step == "startup":
            return {"0": _task(STARTUP_TASKS * fraction, STARTUP_TASKS)}
        return {"0": _task(STARTUP_TASKS, STARTUP_TASKS), "1": _task(total * fraction, total)}

    def write_tasks(self, *, final: bool) -> None:
        step = self._step or "startup"
        tasks = self.tasks(step, 1.0 if final else self._fraction)
        BacktestRun.objects.filter(pk=self.pk).update(progress_tasks=tasks)


def _task(progress: float, total: float) -> dict:
    return {"progress": float(round(progress)), "total": float(total), "description": "backtest"}
