"""What one backtest run is asked to do: Freqtrade's CLI flags / the API's start body."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BacktestOptions:
    """Each field left ``None`` means "as the config (or the strategy) says"."""

    strategy: str
    strategy_path: Path | None = None
    timerange: str | None = None
    timeframe: str | None = None
    timeframe_detail: str | None = None  # Freqtrade's --timeframe-detail ("" or None: none)
    pairs: tuple[str, ...] | None = None
    max_open_trades: int | None = None  # -1: unlimited, as Freqtrade
    stake_amount: float | str | None = None  # a number or "unlimited"
    dry_run_wallet: float | None = None
    fee: float | None = None
    enable_protections: bool = False
    datadir: Path | None = None
    extra: dict = field(default_factory=dict)
