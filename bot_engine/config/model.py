"""The parsed, frozen bot configuration: code reads attributes, never nested dict lookups."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

UNLIMITED_STAKE = "unlimited"
# Freqtrade's defaults, under the strategy's order_types and the config's (engine/rules.py).
DEFAULT_ORDER_TYPES: Mapping[str, Any] = MappingProxyType(
    {
        "entry": "limit",
        "exit": "limit",
        "stoploss": "market",
        "stoploss_on_exchange": False,
    }
)


@dataclass(frozen=True)
class ReplayConfig:
    speed: float = 600.0  # multiple of real time; 0 = as fast as the engine can go
    data_exchange: str = "binance"  # folder under user_data/data/ holding the candles
    start: str | None = None  # optional "YYYYMMDD[-HHMM]" to start the replay clock later


@dataclass(frozen=True)
class ExchangeConfig:
    name: str = "replay"
    # repr=False: a logged or printed config must never show credentials
    key: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    password: str = field(default="", repr=False)
    uid: str = field(default="", repr=False)
    pair_whitelist: tuple[str, ...] = ()
    pair_blacklist: tuple[str, ...] = ()
    ccxt_config: Mapping[str, Any] = field(default_factory=dict, repr=False)
    replay: ReplayConfig = field(default_factory=ReplayConfig)
    fee: float | None = None  # overrides the market fee in dry-run

    @property
    def is_replay(self) -> bool:
        return self.name == "replay"


@dataclass(frozen=True)
class PricingConfig:
    price_side: str = "same"  # same | other | bid | ask
    use_order_book: bool = False
    order_book_top: int = 1
    price_last_balance: float = 0.0


@dataclass(frozen=True)
class UnfilledTimeout:
    entry: float = 10
    exit: float = 10
    unit: str = "minutes"
    exit_timeout_count: int = 0


@dataclass(frozen=True)
class ApiServerConfig:
    enabled: bool = False
    listen_ip_address: str = "127.0.0.1"
    listen_port: int = 8080
    username: str = ""
    password: str = field(default="", repr=False)
    jwt_secret_key: str = field(default="", repr=False)
    ws_token: tuple[str, ...] = field(default=(), repr=False)
    CORS_origins: tuple[str, ...] = ()
    verbosity: str = "error"
    enable_openapi: bool = False
    redis_url: str = field(default="", repr=False)  # Redis channel layer; may hold a password
    metrics_token: str = field(default="", repr=False)  # bearer token for /metrics only
    # Reverse proxies (IPs or networks) whose X-Forwarded-For/-Proto uvicorn believes; none by
    # default, so no client can pick its own address for the login throttle or the audit trail.
    trusted_proxies: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeConfig:
    """Freqtrade's ``edge`` section: per-pair win rate and expectancy pick pairs, stoplosses
    and stakes (bot_engine/edge/)."""

    enabled: bool = False
    process_throttle_secs: float = 3600.0  # how often the figures are recalculated
    calculate_since_number_of_days: int = 7
    allowed_risk: float = 0.01  # share of the capital a trade may lose at its stoploss
    stoploss_range_min: float = -0.01
    stoploss_range_max: float = -0.10
    stoploss_range_step: float = -0.01
    minimum_winrate: float = 0.60
    minimum_expectancy: float = 0.20
    min_trade_number: int = 10
    max_trade_duration_minute: int = 1440
    remove_pumps: bool = False


@dataclass(frozen=True)
class BotConfig:
    """Freqtrade-style configuration, validated. ``raw`` keeps every key, unknown ones too
    (strategies read it as their ``config`` dict).

    ``None`` on a trading rule means "not in the file": the strategy's value applies
    (``engine/rules.py``), as in Freqtrade.
    """

    raw: Mapping[str, Any] = field(repr=False)  # holds secrets; see loader.redact()
    path: Path | None
    user_data_dir: Path
    db_url: str
    bot_name: str = "freqtrade"
    strategy: str = "SampleStrategy"
    strategy_path: Path | None = None
    dry_run: bool = True
    dry_run_wallet: float = 1000.0
    stake_currency: str = "BTC"
    stake_amount: float | str = UNLIMITED_STAKE  # float or "unlimited"
    tradable_balance_ratio: float = 0.99
    available_capital: float | None = None
    max_open_trades: int = -1  # -1 = unlimited
    fiat_display_currency: str = ""
    timeframe: str | None = None  # None: the strategy's
    minimal_roi: Mapping[int, float] | None = None  # None: the strategy's; keys in minutes
    stoploss: float | None = None
    trailing_stop: bool | None = None
    trailing_stop_positive: float | None = None
    trailing_stop_positive_offset: float | None = None
    trailing_only_offset_is_reached: bool | None = None
    use_exit_signal: bool | None = None
    exit_profit_only: bool | None = None
    exit_profit_offset: float | None = None
    ignore_roi_if_entry_signal: bool | None = None
    initial_state: str = "stopped"  # running | stopped | paused
    force_entry_enable: bool = False
    process_throttle_secs: float = 5.0
    trading_mode: str = "spot"
    margin_mode: str = ""
    cancel_open_orders_on_exit: bool = False
    position_adjustment_enable: bool = False
    max_entry_position_adjustment: int = -1
    exchange: ExchangeConfig = field(default_factory=ExchangeConfig)
    pairlists: tuple[Mapping[str, Any], ...] = ({"method": "StaticPairList"},)
    entry_pricing: PricingConfig = field(default_factory=PricingConfig)
    exit_pricing: PricingConfig = field(default_factory=PricingConfig)
    # None: the strategy's; else the file's keys over DEFAULT_ORDER_TYPES (all of them win)
    order_types: Mapping[str, Any] | None = None
    unfilledtimeout: UnfilledTimeout = field(default_factory=UnfilledTimeout)
    api_server: ApiServerConfig = field(default_factory=ApiServerConfig)
    edge: EdgeConfig = field(default_factory=EdgeConfig)
    dataformat_ohlcv: str = "feather"

    @property
    def unlimited_stake(self) -> bool:
        return self.stake_amount == UNLIMITED_STAKE

    @property
    def data_dir(self) -> Path:
        """Where candle files live: ``user_data/data/<exchange>/``."""
        name = self.exchange.replay.data_exchange if self.exchange.is_replay else self.exchange.name
        return self.user_data_dir / "data" / name
