"""The Profit object of ``/profit`` and ``/profit_all`` (contract §3.4): its declared keys, which
drive the OpenAPI schema and the key-order test, and the body built from ``ProfitSummary``."""

from __future__ import annotations

from typing import Any

import numpy as np
from rest_framework import serializers

from api.serializers.fields import NULL, Declared, response_schema
from api.serializers.formats import (
    finite_or_none,
    format_date,
    format_us,
    naturaltime,
    timestamp_ms,
    us_to_ms,
)
from bot_engine.selectors.profit import ProfitSummary, ProfitSums
from bot_engine.trade_stats import Drawdown


def _profit_sums_keys(name: str) -> tuple[Declared, ...]:
    # The "all" sums take the open trades at the current rate: null while a rate is missing.
    missing_rate = name == "all"
    return (
        (f"profit_{name}_coin", float, missing_rate),
        (f"profit_{name}_percent_mean", float, missing_rate),
        (f"profit_{name}_ratio_mean", float, missing_rate),
        (f"profit_{name}_percent_sum", float, missing_rate),
        (f"profit_{name}_ratio_sum", float, missing_rate),
        (f"profit_{name}_ratio", float, missing_rate),
        (f"profit_{name}_percent", float, missing_rate),
        (f"profit_{name}_fiat", float, False),
    )


# The Profit object (contract §3.4), keys in the order of Freqtrade's body.
PROFIT_KEYS: tuple[Declared, ...] = (
    *_profit_sums_keys("closed"),
    *_profit_sums_keys("all"),
    ("trade_count", int, False),
    ("closed_trade_count", int, False),
    ("first_trade_date", str, False),
    ("first_trade_humanized", str, False),
    ("first_trade_timestamp", int, False),
    ("latest_trade_date", str, False),
    ("latest_trade_humanized", str, False),
    ("latest_trade_timestamp", int, False),
    ("avg_duration", str, False),
    ("best_pair", str, False),
    ("best_rate", float, False),
    ("best_pair_profit_ratio", float, False),
    ("best_pair_profit_abs", float, False),
    ("winning_trades", int, False),
    ("losing_trades", int, False),
    ("profit_factor", float, NULL),  # ∞ without a losing trade
    ("winrate", float, False),
    ("expectancy", float, False),
    ("expectancy_ratio", float, False),
    ("sharpe", float, False),
    ("sortino", float, False),
    ("sqn", float, False),
    ("calmar", float, False),
    ("cagr", float, False),
    ("max_drawdown", float, False),
    ("max_drawdown_abs", float, False),
    ("max_drawdown_start", str, False),
    ("max_drawdown_start_timestamp", int, False),
    ("max_drawdown_end", str, False),
    ("max_drawdown_end_timestamp", int, False),
    ("current_drawdown", float, False),
    ("current_drawdown_abs", float, False),
    ("current_drawdown_high", float, False),
    ("current_drawdown_start", str, False),
    ("current_drawdown_start_timestamp", int, False),
    ("trading_volume", float, False),
    ("bot_start_timestamp", int, False),
    ("bot_start_date", str, False),
)
ProfitSchema = response_schema("ProfitSchema", PROFIT_KEYS, "Profit (contract §3.4).")
NO_DRAWDOWN = {
    "max_drawdown": 0.0,
    "max_drawdown_abs": 0.0,
    "max_drawdown_start": "",
    "max_drawdown_start_timestamp": 0,
    "max_drawdown_end": "",
    "max_drawdown_end_timestamp": 0,
    "current_drawdown": 0.0,
    "current_drawdown_abs": 0.0,
    "current_drawdown_high": 0.0,
    "current_drawdown_start": "",
    "current_drawdown_start_timestamp": 0,
}


def profit_body(summary: ProfitSummary) -> dict[str, Any]:
    """The Profit object: every key always present; NaN/inf written as null (contract §0)."""
    first, latest, now = summary.first_trade_date, summary.latest_trade_date, summary.now
    best, win_loss, ratios = summary.best_pair, summary.win_loss, summary.ratios
    body = {
        **_profit_sums("closed", summary.closed),
        **_profit_sums("all", summary.all),
        "trade_count": summary.trade_count,
        "closed_trade_count": summary.closed_trade_count,
        "first_trade_date": format_date(first) or "",
        "first_trade_humanized": naturaltime(now - first) if first else "",
        "first_trade_timestamp": timestamp_ms(first) or 0,
        "latest_trade_date": format_date(latest) or "",
        "latest_trade_humanized": naturaltime(now - latest) if latest else "",
        "latest_trade_timestamp": timestamp_ms(latest) or 0,
        "avg_duration": str(summary.avg_duration).split(".")[0],  # whole seconds, truncated
        # Freqtrade's integer zeros when no trade is closed (§3.4).
        "best_pair": best.pair if best else "",
        "best_rate": round(best.profit_ratio * 100, 2) if best else 0,
        "best_pair_profit_ratio": best.profit_ratio if best else 0,
        "best_pair_profit_abs": best.profit_abs if best else 0,
        "winning_trades": win_loss.winning,
        "losing_trades": win_loss.losing,
        "profit_factor": win_loss.profit_factor,
        "winrate": win_loss.winrate,
        "expectancy": summary.expectancy,
        "expectancy_ratio": summary.expectancy_ratio,
        "sharpe": ratios.sharpe,
        "sortino": ratios.sortino,
        "sqn": ratios.sqn,
        "calmar": ratios.calmar,
        "cagr": ratios.cagr,
        **_drawdown(summary.drawdown),
        "trading_volume": summary.trading_volume,
        "bot_start_timestamp": timestamp_ms(summary.bot_start),
        "bot_start_date": format_date(summary.bot_start),
    }
    return {key: _jsonable(value) for key, value in body.items()}


def _profit_sums(name: str, sums: ProfitSums) -> dict[str, Any]:
    return {
        f"profit_{name}_coin": sums.profit_abs,
        f"profit_{name}_percent_mean": round(sums.ratio_mean * 100, 2),
        f"profit_{name}_ratio_mean": sums.ratio_mean,
        f"profit_{name}_percent_sum": round(sums.ratio_sum * 100, 2),
        f"profit_{name}_ratio_sum": sums.ratio_sum,
        f"profit_{name}_ratio": sums.ratio,
        f"profit_{name}_percent": round(sums.ratio * 100, 2),
        f"profit_{name}_fiat": 0.0,  # no fiat converter
    }


def _drawdown(dd: Drawdown | None) -> dict[str, Any]:
    if dd is None:
        return NO_DRAWDOWN
    return {
        "max_drawdown": dd.max_relative,
        "max_drawdown_abs": dd.max_abs,
        "max_drawdown_start": format_us(dd.high_us),
        "max_drawdown_start_timestamp": us_to_ms(dd.high_us),
        "max_drawdown_end": format_us(dd.low_us),
        "max_drawdown_end_timestamp": us_to_ms(dd.low_us),
        "current_drawdown": dd.current_relative,
        "current_drawdown_abs": dd.current_abs,
        "current_drawdown_high": dd.current_high,
        "current_drawdown_start": format_us(dd.current_high_us),
        "current_drawdown_start_timestamp": us_to_ms(dd.current_high_us),
    }


def _jsonable(value: Any) -> Any:
    """numpy scalars as Python numbers, NaN and ±inf as None (the sums come from numpy)."""
    if isinstance(value, float | np.floating):
        return finite_or_none(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


class ProfitAllSchema(serializers.Serializer):
    all = ProfitSchema()
    long = ProfitSchema(allow_null=True)
    short = ProfitSchema(allow_null=True)
