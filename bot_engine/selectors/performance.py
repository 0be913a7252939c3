"""Closed-trade profit grouped by pair, enter tag, exit reason and both (contract §3.6).

``/performance``, ``/entries`` and ``/exits`` use the 2026.9 cost-weighted ratio: Σ profit_abs /
Σ entry-order stake of the group, sorted by Σ profit_abs descending. ``/mix_tags`` keeps
Freqtrade's own rules (Σ of per-trade ratios; rows in order of each key's best single trade)
but not its ``profit_pct`` slip.
"""

from __future__ import annotations

import numpy as np

from bot_engine.selectors.frames import entry_order_costs, group_seq_sums, trade_columns

OTHER = "Other"  # the group of trades without a tag / reason


def pair_performance(*, bot_id: int) -> list[dict]:
    rows = _grouped(bot_id, "pair", pair=None)
    return [
        {
            "pair": key,
            "profit_ratio": ratio,
            "profit": round(ratio * 100, 2),  # compatibility alias of profit_pct
            "profit_pct": round(ratio * 100, 2),
            "profit_abs": profit_abs,
            "count": count,
        }
        for key, ratio, profit_abs, count in rows
    ]


def entry_tag_performance(*, bot_id: int, pair: str | None = None) -> list[dict]:
    return _tag_rows("enter_tag", _grouped(bot_id, "enter_tag", pair=pair))


def exit_reason_performance(*, bot_id: int, pair: str | None = None) -> list[dict]:
    return _tag_rows("exit_reason", _grouped(bot_id, "exit_reason", pair=pair))


def mix_tag_performance(*, bot_id: int, pair: str | None = None) -> list[dict]:
    """Rows keyed "<enter_tag> <exit_reason>", ordered by each key's best single trade."""
    cols = trade_columns(
        bot_id, ["enter_tag", "exit_reason", "close_profit", "close_profit_abs"], pair=pair
    )
    if not len(cols["close_profit"]):
        return []
    keys = np.array(
        [f"{_tag(enter)} {_tag(exit_)}" for enter, exit_ in
         zip(cols["enter_tag"], cols["exit_reason"], strict=True)],
        dtype=object,
    )
    # Freqtrade walks the trades by descending profit_abs (ties in id order) and merges them
    # into the row of their key one by one, so the sums run in that order too.
    walk = np.argsort(-np.nan_to_num(cols["close_profit_abs"]), kind="stable")
    walk_keys = keys[walk]
    labels, first_seen, codes = np.unique(walk_keys, return_index=True, return_inverse=True)
    ratios = group_seq_sums(codes, np.nan_to_num(cols["close_profit"][walk]), len(labels))
    profits = group_seq_sums(codes, np.nan_to_num(cols["close_profit_abs"][walk]), len(labels))
    counts = np.bincount(codes, minlength=len(labels))
    return [
        {
            "mix_tag": str(labels[i]),
            "profit_ratio": float(ratios[i]),
            "profit_pct": round(float(ratios[i]) * 100, 2),
            "profit_abs": float(profits[i]),
            "count": int(counts[i]),
        }
        for i in np.argsort(first_seen, kind="stable")
    ]


def _tag_rows(name: str, rows: list[tuple[str, float, float, int]]) -> list[dict]:
    return [
        {
            name: key,
            "profit_ratio": ratio,
            "profit_pct": round(ratio * 100, 2),
            "profit_abs": profit_abs,
            "count": count,
        }
        for key, ratio, profit_abs, count in rows
    ]


def rank_groups(
    labels: np.ndarray,
    codes: np.ndarray,
    profit_abs: np.ndarray,
    cost_rows: np.ndarray,
    costs: np.ndarray,
) -> list[tuple[str, float, float, int]]:
    """(key, Σ profit_abs / Σ entry stake, Σ profit_abs, count), best Σ profit_abs first.

    ``codes``/``profit_abs`` are per trade (id order), ``codes`` indexing ``labels``; ``costs``
    per filled entry order with ``cost_rows`` its trade's row. Groups without any filled entry
    order are left out (an inner join in Freqtrade). Sums run left to right, as SQLite's
    grouped SUM does.
    """
    if not len(codes):
        return []
    profits = group_seq_sums(codes, np.nan_to_num(profit_abs), len(labels))
    counts = np.bincount(codes, minlength=len(labels))
    cost_codes = codes[cost_rows]
    stakes = group_seq_sums(cost_codes, costs, len(labels))
    has_cost = np.bincount(cost_codes, minlength=len(labels)) > 0
    rows = [
        (str(labels[i]), float(profits[i] / stakes[i]), float(profits[i]), int(counts[i]))
        for i in range(len(labels))
        if has_cost[i]
    ]
    rows.sort(key=lambda row: row[2], reverse=True)
    return rows


def _grouped(
    bot_id: int, column: str, *, pair: str | None
) -> list[tuple[str, float, float, int]]:
    cols = trade_columns(
        bot_id, ["id", column, "close_profit_abs", "is_short", "leverage"], pair=pair
    )
    cost_rows, costs = entry_order_costs(bot_id, cols["id"], cols["is_short"], cols["leverage"])
    keys = np.array([_tag(value) for value in cols[column]], dtype=object)
    labels, codes = np.unique(keys, return_inverse=True)
    return rank_groups(labels, codes, cols["close_profit_abs"], cost_rows, costs)


def _tag(value: str | None) -> str:
    return OTHER if value is None else str(value)
