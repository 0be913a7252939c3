"""``/stats``: closed trades counted per exit reason and outcome, and mean durations (§3.7)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot_engine.selectors.closed_cache import ClosedTrades, closed_trades
from bot_engine.selectors.columns import NAT
from bot_engine.trade_stats import seq_sum, small_ints

OUTCOMES = ("wins", "losses", "draws")  # the order of the counts and durations


@dataclass(frozen=True, slots=True)
class TradeStats:
    """Closed trades counted per exit reason and outcome, and mean durations per outcome."""

    # reason -> (wins, losses, draws), reasons in the order they first occur
    exit_reasons: dict[str, tuple[int, int, int]]
    # mean duration in seconds of the (wins, losses, draws); None when there is none
    durations: tuple[float | None, float | None, float | None]


def trade_stats(*, bot_id: int) -> TradeStats:
    """Outcome by close_profit sign (>0 wins, <0 losses, else draws); durations in seconds.

    A trade without an exit reason is listed under "Other" (a null key has no JSON form).
    Computed once per change of the closed trades (kept with them).
    """
    closed = closed_trades(bot_id)
    return closed.memoized("trade_stats", lambda: _trade_stats(closed))


def _trade_stats(closed: ClosedTrades) -> TradeStats:
    outcome = np.where(closed.ratio > 0, 0, np.where(closed.ratio < 0, 1, 2))

    exit_reasons: dict[str, tuple[int, int, int]] = {}
    if len(closed):
        # Reasons in the order they first occur, as Freqtrade builds the dict trade by trade.
        reasons, first_seen = np.unique(small_ints(closed.exit_codes), return_index=True)
        for code in reasons[np.argsort(first_seen)]:
            of_reason = outcome[closed.exit_codes == code]
            exit_reasons[str(closed.exit_labels[code])] = tuple(
                int(np.count_nonzero(of_reason == index)) for index in range(len(OUTCOMES))
            )

    has_dates = (closed.close_us != NAT) & (closed.open_us != NAT)
    seconds = (closed.close_us - closed.open_us) / 1e6
    durations = []
    for index in range(len(OUTCOMES)):
        selected = seconds[has_dates & (outcome == index)]
        durations.append(seq_sum(selected) / len(selected) if len(selected) else None)
    return TradeStats(exit_reasons=exit_reasons, durations=tuple(durations))
