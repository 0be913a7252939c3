"""``/stats``: closed trades counted per exit reason and outcome, and mean durations (§3.7)."""

from __future__ import annotations

import numpy as np

from bot_engine.selectors.frames import NAT, seq_sum, trade_columns

OUTCOMES = ("wins", "losses", "draws")


def trade_stats(*, bot_id: int) -> dict:
    """Outcome by close_profit sign (>0 wins, <0 losses, else draws); durations in seconds."""
    cols = trade_columns(bot_id, ["exit_reason", "close_profit", "open_date", "close_date"])
    ratio = cols["close_profit"]
    outcome = np.where(ratio > 0, 0, np.where(ratio < 0, 1, 2))  # NULL counts as a draw

    exit_reasons: dict[str, dict[str, int]] = {}
    for reason, kind in zip(cols["exit_reason"], outcome, strict=True):
        # A NULL reason would be an invalid JSON key; the other endpoints call it "Other".
        counts = exit_reasons.setdefault(
            "Other" if reason is None else reason, dict.fromkeys(OUTCOMES, 0)
        )
        counts[OUTCOMES[kind]] += 1

    has_dates = (cols["close_date"] != NAT) & (cols["open_date"] != NAT)
    seconds = (cols["close_date"] - cols["open_date"]) / 1e6
    durations = {}
    for index, name in enumerate(OUTCOMES):
        selected = seconds[has_dates & (outcome == index)]
        durations[name] = seq_sum(selected) / len(selected) if len(selected) else None
    return {"exit_reasons": exit_reasons, "durations": durations}
