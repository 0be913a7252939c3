"""Closed-trade profit grouped by pair, enter tag, exit reason and both (contract §3.6).

``/performance``, ``/entries`` and ``/exits`` use the 2026.9 cost-weighted ratio: Σ profit_abs /
Σ entry-order stake of the group, sorted by Σ profit_abs descending. ``/mix_tags`` keeps
Freqtrade's own rules (Σ of per-trade ratios; rows in order of each key's best single trade)
but not its ``profit_pct`` slip. All four read the cached closed trades of ``closed_cache``;
``api/serializers/stats.py`` writes the rows in Freqtrade's keys.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bot_engine.selectors.closed_cache import ClosedTrades, closed_trades
from bot_engine.trade_stats import group_seq_sums


class GroupProfit(NamedTuple):
    """One group of closed trades (a pair, a tag, a reason, or "<enter_tag> <exit_reason>")."""

    key: str
    profit_ratio: float
    profit_abs: float
    count: int


def pair_performance(*, bot_id: int) -> list[GroupProfit]:
    return [GroupProfit(*row) for row in closed_trades(bot_id).ranked("pair")]


def entry_tag_performance(*, bot_id: int, pair: str | None = None) -> list[GroupProfit]:
    return _tag_rows("enter_tag", bot_id, pair)


def exit_reason_performance(*, bot_id: int, pair: str | None = None) -> list[GroupProfit]:
    return _tag_rows("exit_reason", bot_id, pair)


def mix_tag_performance(*, bot_id: int, pair: str | None = None) -> list[GroupProfit]:
    """Rows keyed "<enter_tag> <exit_reason>", ordered by each key's best single trade."""
    closed = closed_trades(bot_id).only(pair=pair)
    return list(closed.memoized("mix_tags", lambda: _mix_rows(closed)))


def _mix_rows(closed: ClosedTrades) -> tuple[GroupProfit, ...]:
    if not len(closed):
        return ()
    # Freqtrade walks the trades by descending profit_abs (ties in id order) and merges each
    # into the row of its key, so rows appear in that order and the sums run in it too.
    walk = np.argsort(-closed.profit_abs, kind="stable")
    combined = closed.enter_codes[walk] * len(closed.exit_labels) + closed.exit_codes[walk]
    keys, first_seen, codes = np.unique(combined, return_index=True, return_inverse=True)
    ratios = group_seq_sums(codes, closed.ratio[walk], len(keys))
    profits = group_seq_sums(codes, closed.profit_abs[walk], len(keys))
    counts = np.bincount(codes, minlength=len(keys))
    rows = []
    for i in np.argsort(first_seen, kind="stable"):
        enter, exit_ = divmod(int(keys[i]), len(closed.exit_labels))
        rows.append(
            GroupProfit(
                f"{closed.enter_labels[enter]} {closed.exit_labels[exit_]}",
                float(ratios[i]),
                float(profits[i]),
                int(counts[i]),
            )
        )
    return tuple(rows)  # kept with the cached trades: immutable


def _tag_rows(column: str, bot_id: int, pair: str | None) -> list[GroupProfit]:
    ranked = closed_trades(bot_id).only(pair=pair).ranked(column)
    return [GroupProfit(*row) for row in ranked]
