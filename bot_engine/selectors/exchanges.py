"""What FreqUI's webserver pages ask about the platform: exchanges, markets, and the hyperopt
losses and FreqAI models this build offers (contract §2.5)."""

from __future__ import annotations

from dataclasses import dataclass

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import available_data
from bot_engine.exceptions import BotOperationError, ConfigError, ExchangeError
from bot_engine.exchange.base import Market
from bot_engine.runtime import BotHandle

# Tradeplane has no hyperopt and no FreqAI: empty lists are the honest answers (issue 18).
HYPEROPT_LOSS_FUNCTIONS: tuple[tuple[str, str], ...] = ()
FREQAI_MODELS: tuple[str, ...] = ()
# Exchanges Tradeplane's own tests trade on (Freqtrade's "supported" means the same).
TESTED_EXCHANGES = frozenset({"binance"})
REPLAY_COMMENT = "Tradeplane's offline exchange: the stored candles served as if live"


@dataclass(frozen=True, slots=True)
class ExchangeEntry:
    name: str
    classname: str
    valid: bool
    supported: bool
    comment: str
    dex: bool
    alias_for: str | None


def exchange_entries() -> list[ExchangeEntry]:
    """The replay exchange, then every exchange of the installed ccxt with what it lacks."""
    from bot_engine.exchange.ccxt_exchange import exchange_catalog

    entries = [ExchangeEntry("Replay", "replay", True, True, REPLAY_COMMENT, False, None)]
    for listing in exchange_catalog():
        missing = ", ".join(listing.missing)
        entries.append(
            ExchangeEntry(
                name=listing.name,
                classname=listing.classname,
                valid=not listing.missing,
                supported=listing.classname in TESTED_EXCHANGES,
                comment=f"missing: {missing}" if missing else "",
                dex=listing.dex,
                alias_for=listing.alias_for,
            )
        )
    return entries


def exchange_markets(
    *, config: BotConfig, running: BotHandle | None, exchange: str | None = None
) -> tuple[str, dict[str, Market]]:
    """``(exchange id, markets)``: the running bot's, else the configured (or named) exchange's
    — on replay, a spot market per pair with stored candles; otherwise asked of the exchange."""
    name = (exchange or config.exchange.name).lower()
    if running is not None and name == config.exchange.name.lower():
        return config.exchange.name, running.markets()
    if name == "replay":
        return "replay", _stored_markets(config)
    from bot_engine.config.model import ExchangeConfig
    from bot_engine.exchange.ccxt_exchange import CcxtExchange

    try:
        client = CcxtExchange(ExchangeConfig(name=name))
        try:
            return name, client.markets()
        finally:
            client.close()
    except (ConfigError, ExchangeError) as exc:
        raise BotOperationError(f"Could not load the markets of {name}: {exc}") from None


def _stored_markets(config: BotConfig) -> dict[str, Market]:
    markets = {}
    for pair, _timeframe, candle_type in available_data(config.data_dir):
        if candle_type == "spot" and "/" in pair:
            base, quote = pair.split("/", 1)
            markets[pair] = Market(symbol=pair, base=base, quote=quote)
    return markets
