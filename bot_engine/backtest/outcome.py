"""What a finished simulation hands to the report and the exporter (no statistics yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pandas import DataFrame


@dataclass
class SimulationOutcome:
    """One strategy's backtest, as raw facts.

    ``trades`` are Freqtrade's result-file trade dicts (the keys and value formats of
    ``result.json["strategy"][name]["trades"]``), in Freqtrade's order (by exit). ``locks`` are
    its ``locks`` entries. ``candles`` holds, per pair, the loaded candles of the backtested range
    (``date, open, high, low, close, volume``), for the market change and the wallet series.
    ``settings`` holds the effective values the result block repeats (``stake_amount``,
    ``max_open_trades``, ``minimal_roi``, ``stoploss``, trailing keys, ``timeframe``,
    ``timerange``, ``enable_protections``, ``dry_run_wallet``, ``stake_currency``, ...).
    """

    strategy_name: str
    trades: list[dict[str, Any]]
    locks: list[dict[str, Any]]
    backtest_start: datetime
    backtest_end: datetime
    run_start_ts: int
    run_end_ts: int
    settings: dict[str, Any]
    pairlist: list[str]
    candles: dict[str, DataFrame] = field(default_factory=dict)
    rejected_signals: int = 0
    timedout_entry_orders: int = 0
    timedout_exit_orders: int = 0
    canceled_trade_entries: int = 0
    canceled_entry_orders: int = 0
    replaced_entry_orders: int = 0
    strategy_source: str = ""
    config_for_export: dict[str, Any] = field(default_factory=dict)
    # Trades the run could not close at its end (the force-exit order did not fill: an exit
    # price 1 ulp under the last candle's raw low). Freqtrade leaves them out of ``trades`` but
    # its wallet still holds their stake: final_balance is short of it and the wallet series
    # values them to the end. Same dict shape as ``trades`` (pair, amount, open_rate,
    # stake_amount, open_timestamp, orders).
    still_open: list[dict[str, Any]] = field(default_factory=list)
