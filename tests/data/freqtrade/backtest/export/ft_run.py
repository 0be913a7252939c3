"""Run Freqtrade offline, with Freqtrade's own python (see README.md): Binance's market list
comes from ../markets.json instead of the network; then ``freqtrade.main.main(argv)``."""

import json
import sys
from pathlib import Path

import ccxt
import ccxt.async_support
import ccxt.pro

MARKETS = json.loads((Path(__file__).parent.parent / "markets.json").read_text())["pairs"]


def markets() -> list[dict]:
    out = []
    for symbol, market in MARKETS.items():
        base, quote = symbol.split("/")
        out.append(
            {
                "id": base + quote,
                "symbol": symbol,
                "base": base,
                "quote": quote,
                "baseId": base,
                "quoteId": quote,
                "settle": None,
                "settleId": None,
                "type": "spot",
                "spot": True,
                "margin": False,
                "swap": False,
                "future": False,
                "option": False,
                "active": True,
                "contract": False,
                "linear": None,
                "inverse": None,
                "taker": market["taker_fee"],
                "maker": market["maker_fee"],
                "contractSize": None,
                "expiry": None,
                "expiryDatetime": None,
                "strike": None,
                "optionType": None,
                "precision": {
                    "amount": market["amount_step"],
                    "price": market["price_tick_exchange"],
                    "base": None,
                    "quote": None,
                },
                "limits": {
                    "leverage": {"min": None, "max": None},
                    "amount": {"min": market["min_amount"], "max": None},
                    "price": {"min": None, "max": None},
                    "cost": {"min": market["min_cost"], "max": None},
                },
                "created": None,
                "info": {},
                "tierBased": False,
                "percentage": True,
            }
        )
    return out


def fetch_markets(self, params=None):
    return markets()


async def fetch_markets_async(self, params=None):
    return markets()


def fetch_currencies(self, params=None):
    return {}


async def fetch_currencies_async(self, params=None):
    return {}


ccxt.binance.fetch_markets = fetch_markets
ccxt.binance.fetch_currencies = fetch_currencies
for exchange_class in (ccxt.async_support.binance, ccxt.pro.binance):
    exchange_class.fetch_markets = fetch_markets_async
    exchange_class.fetch_currencies = fetch_currencies_async

if __name__ == "__main__":
    from freqtrade.main import main

    main(sys.argv[1:])
