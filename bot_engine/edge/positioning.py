"""Edge in the running bot: figures recalculated from stored candles in a background thread,
read by the engine (pair filter, stoploss per pair, stake from the allowed risk) and ``/edge``.

The engine never waits for a calculation: it starts one when the last is older than
``edge.process_throttle_secs`` and keeps using the previous figures until the new ones are in.
Before the first calculation has finished no pair is accepted (Edge has no opinion yet).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from bot_engine.config.model import EdgeConfig
from bot_engine.data.candles import load_candles
from bot_engine.data.timeframes import timeframe_to_delta, timeframe_to_minutes
from bot_engine.edge.simulation import (
    PairEdge,
    accepted,
    pair_edges,
    simulate_trades,
    stoploss_range,
)
from bot_engine.strategy.base import IStrategy
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)


def edge_from_history(
    *,
    config: EdgeConfig,
    strategy: IStrategy,
    data_dir: Path,
    pairs: Sequence[str],
    timeframe: str,
    now: datetime,
    fees: Mapping[str, float],
) -> dict[str, PairEdge]:
    """Edge's figures for ``pairs`` from the candles stored before ``now`` (the last
    ``calculate_since_number_of_days`` days, plus the strategy's startup candles)."""
    since = pd.Timestamp(now - timedelta(days=config.calculate_since_number_of_days))
    warmup = timeframe_to_delta(timeframe) * int(strategy.startup_candle_count)
    stoplosses = stoploss_range(config)
    minutes = timeframe_to_minutes(timeframe)
    trades = {}
    for pair in pairs:
        candles = load_candles(data_dir, pair, timeframe)
        dates = candles["date"]
        candles = candles[(dates >= since - warmup) & (dates < pd.Timestamp(now))]
        if candles.empty:
            logger.info("Edge: no stored %s candles for %s; skipping it", timeframe, pair)
            continue
        frame = call_strategy(
            strategy, "analyze", candles.reset_index(drop=True), pair=pair, default=None
        )
        if frame is None:  # logged by call_strategy; Edge goes on without this pair
            continue
        frame = frame[pd.to_datetime(frame["date"], utc=True) >= since].reset_index(drop=True)
        trades[pair] = simulate_trades(
            frame, stoplosses, fee=fees.get(pair, 0.001), timeframe_minutes=minutes
        )
    return pair_edges(trades, config)


@dataclass(frozen=True)
class EdgeSnapshot:
    """One finished calculation."""

    edges: Mapping[str, PairEdge]
    accepted: tuple[PairEdge, ...]
    calculated_at: datetime  # the bot's clock when it ran


Calculation = Callable[[Sequence[str], datetime, Mapping[str, float]], Mapping[str, PairEdge]]


class EdgePositioning:
    """The bot's Edge: holds the latest snapshot, recalculates it off the engine thread."""

    def __init__(
        self,
        config: EdgeConfig,
        calculate: Calculation,
        *,
        fallback_stoploss: float,
        capital_ratio: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._calculate = calculate
        self._fallback_stoploss = fallback_stoploss
        self._capital_ratio = capital_ratio
        self._clock = clock
        self._snapshot: EdgeSnapshot | None = None
        self._started_at: float | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def snapshot(self) -> EdgeSnapshot | None:
        return self._snapshot

    @property
    def calculating(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def due(self) -> bool:
        started = self._started_at
        return started is None or self._clock() - started >= self.config.process_throttle_secs

    def refresh(
        self, *, pairs: Sequence[str], now: datetime, fees: Mapping[str, float], wait: bool = False
    ) -> bool:
        """Start a recalculation if one is due and none is running; True when one started.
        ``wait``: run it on this thread (tests, one-off tools)."""
        with self._lock:
            if self.calculating or not self.due():
                return False
            self._started_at = self._clock()
            args = (list(pairs), now, dict(fees))
            if wait:
                self._run(*args)
                return True
            self._thread = threading.Thread(
                target=self._run, args=args, name="edge-calculation", daemon=True
            )
            self._thread.start()
            return True

    def join(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self, pairs: list[str], now: datetime, fees: dict[str, float]) -> None:
        started = time.perf_counter()
        try:
            edges = dict(self._calculate(pairs, now, fees))
        except Exception:
            logger.exception("Edge calculation failed; keeping the previous figures")
            return
        self._snapshot = EdgeSnapshot(
            edges=edges, accepted=tuple(accepted(edges, self.config)), calculated_at=now
        )
        logger.info(
            "Edge: %d of %d pairs accepted (%.2f s): %s",
            len(self._snapshot.accepted),
            len(pairs),
            time.perf_counter() - started,
            ", ".join(f"{e.pair} sl {e.stoploss}" for e in self._snapshot.accepted) or "none",
        )

    # what the engine asks
    def accepted_pairs(self, whitelist: Sequence[str]) -> list[str]:
        """The whitelist filtered (and ordered, best expectancy first) by Edge."""
        snapshot = self._snapshot
        if snapshot is None:
            return []
        allowed = set(whitelist)
        return [e.pair for e in snapshot.accepted if e.pair in allowed]

    def stoploss(self, pair: str) -> float:
        """The pair's best stoploss; the strategy's when Edge has no figures for it."""
        snapshot = self._snapshot
        edge = snapshot.edges.get(pair) if snapshot else None
        return edge.stoploss if edge else self._fallback_stoploss

    def stake_amount(
        self, pair: str, *, free_capital: float, total_capital: float, capital_in_trade: float
    ) -> float:
        """Freqtrade's sizing: lose at most ``allowed_risk`` of the capital when the pair's
        stoploss hits, never more than is free or available."""
        available = (total_capital + capital_in_trade) * self._capital_ratio
        at_risk = available * self.config.allowed_risk
        max_position = abs(at_risk / self.stoploss(pair))
        return min(max_position, free_capital, available)

    def rows(self) -> list[dict]:
        """``/edge``: the accepted pairs and their figures."""
        snapshot = self._snapshot
        return [e.as_row() for e in snapshot.accepted] if snapshot else []
