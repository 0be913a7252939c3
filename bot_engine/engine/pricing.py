"""Entry and exit prices from the ticker, by ``entry_pricing``/``exit_pricing.price_side``."""

from __future__ import annotations

from bot_engine.config.model import PricingConfig
from bot_engine.engine.state import RunningBot
from bot_engine.exceptions import ExchangeError


def _side_price(pricing: PricingConfig, bid: float, ask: float, *, buying: bool) -> float:
    side = pricing.price_side
    if side == "same":
        side = "bid" if buying else "ask"
    elif side == "other":
        side = "ask" if buying else "bid"
    return bid if side == "bid" else ask


def entry_price(bot: RunningBot, pair: str) -> float:
    ticker = bot.tickers.get(pair) or bot.exchange.fetch_ticker(pair)
    if ticker is None:
        raise ExchangeError(f"No price for {pair}")
    return _side_price(bot.config.entry_pricing, ticker.bid, ticker.ask, buying=True)


def exit_price(bot: RunningBot, pair: str) -> float:
    ticker = bot.tickers.get(pair) or bot.exchange.fetch_ticker(pair)
    return _side_price(bot.config.exit_pricing, ticker.bid, ticker.ask, buying=False)
