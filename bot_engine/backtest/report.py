"""A simulation outcome as Freqtrade's backtest result document (``result.json``).

``strategy_block`` builds ``result["strategy"][name]`` (118 keys, in Freqtrade's order and value
formats, JSON-ready: dates as the file writes them), ``result_document`` the whole document.
Rows of the tables are ``report_lines``, calendar views ``report_periods``, the per-candle wallet
and market series ``report_wallet``.
"""

from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from bot_engine.backtest import report_wallet
from bot_engine.backtest.outcome import SimulationOutcome
from bot_engine.backtest.report_lines import (
    Period,
    by_profit,
    cagr,
    max_drawdown,
    pair_rows,
    tag_rows,
)
from bot_engine.backtest.report_periods import daily_stats, periodic_breakdown, trading_stats
from bot_engine.backtest.report_wallet import (
    DATETIME_PRINT,
    filled_candles,
    market_change,
    market_change_series,
    wallet_stats,
)
from bot_engine.data.timeframes import timeframe_to_seconds

# Settings the block repeats, with Freqtrade's value when the run does not say.
SETTINGS_DEFAULTS: dict[str, Any] = {
    "max_open_trades": -1,
    "max_open_trades_setting": -1,
    "timeframe": "5m",
    "timeframe_detail": "",
    "timerange": "",
    "enable_protections": False,
    "freqaimodel": None,
    "freqai_identifier": None,
    "stoploss": -0.1,
    "trailing_stop": False,
    "trailing_stop_positive": None,
    "trailing_stop_positive_offset": 0.0,
    "trailing_only_offset_is_reached": False,
    "use_custom_stoploss": False,
    "minimal_roi": {},
    "use_exit_signal": True,
    "exit_profit_only": False,
    "exit_profit_offset": 0.0,
    "ignore_roi_if_entry_signal": False,
    "trading_mode": "spot",
    "margin_mode": "",
}
COUNTERS = (
    "rejected_signals",
    "timedout_entry_orders",
    "timedout_exit_orders",
    "canceled_trade_entries",
    "canceled_entry_orders",
    "replaced_entry_orders",
)
NO_TRADE_STATS: dict[str, Any] = {
    "wins": 0,
    "losses": 0,
    "draws": 0,
    "winrate": 0,
    "holding_avg": "0:00:00",
    "winner_holding_avg": "0:00:00",
    "loser_holding_avg": "0:00:00",
    "max_consecutive_wins": 0,
    "max_consecutive_losses": 0,
}
NO_DRAWDOWN: dict[str, Any] = {
    "max_drawdown_account": 0.0,
    "max_relative_drawdown": 0.0,
    "max_drawdown_abs": 0.0,
    "max_drawdown_low": 0.0,
    "max_drawdown_high": 0.0,
    "drawdown_start": "1970-01-01T00:00:00+00:00",
    "drawdown_start_ts": 0,
    "drawdown_end": "1970-01-01T00:00:00+00:00",
    "drawdown_end_ts": 0,
    "csum_min": 0,
    "csum_max": 0,
}
# Decimals Freqtrade shows for a stake currency (3 for any other).
COIN_DECIMALS = {"BTC": 8, "ETH": 5}


def result_document(outcomes: list[SimulationOutcome]) -> dict[str, Any]:
    """``{"strategy": {name: block}, "strategy_comparison": [rows]}`` for one or more runs."""
    blocks = {outcome.strategy_name: strategy_block(outcome) for outcome in outcomes}
    return {"strategy": blocks, "strategy_comparison": strategy_comparison(blocks)}


def strategy_comparison(blocks: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per strategy: its TOTAL row named after it, with its account drawdown."""
    rows = []
    for name, block in blocks.items():
        row = dict(block["results_per_pair"][-1])
        row["key"] = name
        row["max_drawdown_account"] = block["max_drawdown_account"]
        # A string with the stake currency's decimals, as Freqtrade writes it.
        row["max_drawdown_abs"] = coin_text(block["max_drawdown_abs"], block["stake_currency"])
        rows.append(row)
    return rows


def trade_frame(trades: list[dict[str, Any]]) -> pd.DataFrame:
    """The trade dicts as a frame with UTC dates (empty with the needed columns)."""
    columns = [
        "pair",
        "profit_abs",
        "profit_ratio",
        "trade_duration",
        "enter_tag",
        "exit_reason",
        "stake_amount",
        "amount",
        "open_rate",
        "close_rate",
        "fee_open",
        "fee_close",
        "is_short",
        "open_date",
        "close_date",
    ]
    if trades:
        frame = pd.DataFrame.from_records(trades, columns=columns)
    else:
        # No trade: object columns, whose empty sums are the integer 0 Freqtrade writes.
        frame = pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    for name in ("open_date", "close_date"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    frame["is_short"] = frame["is_short"].fillna(False).astype(bool)
    return frame


def strategy_block(outcome: SimulationOutcome) -> dict[str, Any]:
    """Freqtrade's ``result.json["strategy"][name]`` for one simulated strategy."""
    settings = {**SETTINGS_DEFAULTS, **outcome.settings}
    start_balance = _balance(settings)
    period = Period(outcome.backtest_start, outcome.backtest_end, start_balance)
    trades = trade_frame(outcome.trades)
    candles = _candles(outcome, settings)
    per_pair = pair_rows(trades, outcome.pairlist, period)
    closed_at_end = trades[trades["exit_reason"] == "force_exit"]
    pairs_only = [row for row in per_pair if row["key"] != "TOTAL"]
    block: dict[str, Any] = {
        "trades": outcome.trades,
        "locks": outcome.locks,
        "best_pair": max(pairs_only, key=by_profit) if len(per_pair) > 1 else None,
        "worst_pair": min(pairs_only, key=by_profit) if len(per_pair) > 1 else None,
        "results_per_pair": per_pair,
        "results_per_enter_tag": tag_rows(trades, "enter_tag", period),
        "exit_reason_summary": tag_rows(trades, "exit_reason", period),
        "mix_tag_stats": tag_rows(trades, ["enter_tag", "exit_reason"], period),
        "left_open_trades": pair_rows(closed_at_end, outcome.pairlist, period, skip_empty=True),
    }
    block.update(_totals(trades, outcome.trades, per_pair[-1], start_balance))
    wallet = _wallet(outcome, settings, trades, candles).totals()
    block["wallet_stats"] = wallet_stats(wallet, start_balance)
    block["profit_factor"] = per_pair[-1]["profit_factor"]
    block.update(_run_facts(outcome, settings, trades, candles, start_balance))
    # The strategy's growth is the wallet's (the TOTAL row's is its trades').
    block["cagr"] = cagr(block["backtest_days"] or 1, start_balance, block["final_balance"])
    block["periodic_breakdown"] = periodic_breakdown(trades)
    daily = daily_stats(trades)
    daily_list = daily.pop("daily_profit")
    block.update(daily)
    if trades.empty:
        # Freqtrade's block without trades: the list under its other name, no holding times
        # beyond the averages, no drawdown duration.
        block["daily_profit_list"] = daily_list
        block.update(NO_TRADE_STATS)
        block.update(NO_DRAWDOWN)
        return block
    block["daily_profit"] = daily_list
    trading = trading_stats(trades)
    trading["holding_avg"] = str(trading["holding_avg"])
    block.update(trading)
    block.update(_drawdown_keys(trades, start_balance))
    return block


def wallet_frame(outcome: SimulationOutcome) -> pd.DataFrame:
    """The run's wallet history as Freqtrade stores it (``..._<Strategy>_wallet.feather``)."""
    return _wallet(outcome, {**SETTINGS_DEFAULTS, **outcome.settings}).frame()


def market_change_frame(outcome: SimulationOutcome) -> pd.DataFrame:
    """The pairs' mean move as Freqtrade stores it (``..._market_change.feather``)."""
    settings = {**SETTINGS_DEFAULTS, **outcome.settings}
    return market_change_series(
        _candles(outcome, settings), start=outcome.backtest_start, end=outcome.backtest_end
    )


def _balance(settings: dict[str, Any]) -> float:
    return float(settings.get("starting_balance", settings.get("dry_run_wallet", 0)))


def _candles(outcome: SimulationOutcome, settings: dict[str, Any]) -> dict[str, pd.DataFrame]:
    timeframe = timedelta(seconds=timeframe_to_seconds(settings["timeframe"]))
    return {pair: filled_candles(frame, timeframe) for pair, frame in outcome.candles.items()}


def _wallet(
    outcome: SimulationOutcome,
    settings: dict[str, Any],
    trades: pd.DataFrame | None = None,
    candles: dict[str, pd.DataFrame] | None = None,
) -> report_wallet.WalletArrays:
    """The outcome's wallet, built once: the result block and the export's feather both need
    it (a year of 20 pairs is seconds of work). Kept while the outcome lives."""
    key = id(outcome)
    if key not in _WALLETS:
        _WALLETS[key] = report_wallet.wallet_arrays(
            trade_frame(outcome.trades) if trades is None else trades,
            outcome.trades,
            _candles(outcome, settings) if candles is None else candles,
            start=outcome.backtest_start,
            end=outcome.backtest_end,
            timeframe=timedelta(seconds=timeframe_to_seconds(settings["timeframe"])),
            start_balance=_balance(settings),
            still_open=outcome.still_open,
            stake_currency=settings.get("stake_currency", "BTC"),
        )
        weakref.finalize(outcome, _WALLETS.pop, key, None)
    return _WALLETS[key]


_WALLETS: dict[int, report_wallet.WalletArrays] = {}


def _totals(
    trades: pd.DataFrame,
    trade_dicts: list[dict[str, Any]],
    total: dict[str, Any],
    start_balance: float,
) -> dict[str, Any]:
    # Traded volume: every filled order's cost, fees included.
    order_costs = [order["cost"] for trade in trade_dicts for order in trade.get("orders") or []]
    long = trades[~trades["is_short"]]
    short = trades[trades["is_short"]]
    count = len(trades)
    return {
        "total_trades": count,
        "trade_count_long": len(long),
        "trade_count_short": len(short),
        "total_volume": float(pd.Series(order_costs, dtype="float64").sum()) if order_costs else 0,
        "avg_stake_amount": trades["stake_amount"].mean() if count else 0,
        "profit_mean": trades["profit_ratio"].mean() if count else 0,
        "profit_median": trades["profit_ratio"].median() if count else 0,
        "profit_total": total["profit_total"],
        "profit_total_long": long["profit_abs"].sum() / start_balance,
        "profit_total_short": short["profit_abs"].sum() / start_balance,
        "profit_total_abs": total["profit_total_abs"],
        "profit_total_long_abs": long["profit_abs"].sum(),
        "profit_total_short_abs": short["profit_abs"].sum(),
        **{
            key: total[key]
            for key in (
                "cagr",
                "expectancy",
                "expectancy_ratio",
                "sortino",
                "sharpe",
                "calmar",
                "sqn",
                "p_value",
            )
        },
    }


def _run_facts(
    outcome: SimulationOutcome,
    settings: dict[str, Any],
    trades: pd.DataFrame,
    candles: dict[str, pd.DataFrame],
    start_balance: float,
) -> dict[str, Any]:
    start, end = outcome.backtest_start, outcome.backtest_end
    days = (end - start).days
    stake_currency = settings.get("stake_currency", "BTC")
    facts: dict[str, Any] = {
        "backtest_start": start.strftime(DATETIME_PRINT),
        "backtest_start_ts": _ms(start),
        "backtest_end": end.strftime(DATETIME_PRINT),
        "backtest_end_ts": _ms(end),
        "backtest_days": days,
        "backtest_run_start_ts": outcome.run_start_ts,
        "backtest_run_end_ts": outcome.run_end_ts,
        "trades_per_day": round(len(trades) / days, 2) if days else 0,
        "market_change": market_change(candles, start=start),
        "pairlist": list(outcome.pairlist),
        "stake_amount": settings.get("stake_amount"),
        "stake_currency": stake_currency,
        "stake_currency_decimals": COIN_DECIMALS.get(stake_currency, 3),
        "starting_balance": start_balance,
        "dry_run_wallet": start_balance,
        # The stake of a trade the run could not close is still out of the wallet.
        "final_balance": start_balance
        + float(trades["profit_abs"].sum())
        - sum(trade["stake_amount"] for trade in outcome.still_open),
    }
    facts.update({name: getattr(outcome, name) for name in COUNTERS})
    for key in ("max_open_trades", "max_open_trades_setting", "timeframe", "timeframe_detail"):
        facts[key] = settings[key]
    facts["timerange"] = settings["timerange"]
    facts["enable_protections"] = settings["enable_protections"]
    facts["strategy_name"] = outcome.strategy_name
    for key in list(SETTINGS_DEFAULTS)[6:]:
        facts[key] = settings[key]
    return facts


def _drawdown_keys(trades: pd.DataFrame, start_balance: float) -> dict[str, Any]:
    drawdown = max_drawdown(trades, start_balance)
    if drawdown is None:
        return dict(NO_DRAWDOWN)
    underwater = max_drawdown(trades, start_balance, relative=True)
    duration = drawdown.low_date - drawdown.high_date
    cumulative = trades["profit_abs"].cumsum()
    return {
        "max_drawdown_account": drawdown.relative,
        "max_relative_drawdown": underwater.relative if underwater else 0.0,
        "max_drawdown_abs": drawdown.abs,
        "drawdown_start": drawdown.high_date.strftime(DATETIME_PRINT),
        "drawdown_start_ts": drawdown.high_date.timestamp() * 1000,
        "drawdown_end": drawdown.low_date.strftime(DATETIME_PRINT),
        "drawdown_end_ts": drawdown.low_date.timestamp() * 1000,
        "drawdown_duration": str(duration),
        "drawdown_duration_s": duration.total_seconds(),
        "max_drawdown_low": drawdown.low_value,
        "max_drawdown_high": drawdown.high_value,
        "csum_min": float(cumulative.min()) + start_balance,
        "csum_max": float(cumulative.max()) + start_balance,
    }


def coin_text(value: float, currency: str) -> str:
    """A stake-currency amount with its decimals, trailing zeros dropped (``0.0043``, ``0``)."""
    text = f"{value:.{COIN_DECIMALS.get(currency, 3)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
