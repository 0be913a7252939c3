"""Run the real Freqtrade offline: ``freqtrade.main`` with Binance's market list from candles.

Run with Freqtrade's own interpreter (Freqtrade is not a Tradeplane dependency):

    FT_OFFLINE_DATADIR=user_data/data/binance /tmp/ftvenv/bin/python bench/ft_offline.py \
        backtesting --config CFG --strategy SampleStrategy ...

Backtesting asks the exchange for nothing but its market list. ccxt's Binance classes (sync and
async) are replaced by subclasses that serve markets derived from the candle files of
``$FT_OFFLINE_DATADIR`` -- the same rule as ``bot_engine/backtest/markets.py`` (amount step and
tick from the median close, minimum cost 0.0001 BTC, fee 0.1 %) -- and refuse any request.
"""

from __future__ import annotations

import importlib
import math
import os
import re
import sys
from pathlib import Path

import ccxt
import ccxt.async_support
import pandas as pd

FEE = 0.001
MIN_COST = 0.0001
_FILE = re.compile(r"^([A-Z0-9]+)_([A-Z0-9]+)-5m\.feather$")


def _decade(value: float) -> float:
    return float(f"{10.0**value:.0e}")


def offline_markets(datadir: Path) -> dict[str, dict]:
    markets = {}
    for path in sorted(datadir.glob("*-5m.feather")):
        match = _FILE.match(path.name)
        if not match:
            continue
        base, quote = match.groups()
        median = float(pd.read_feather(path, columns=["close"])["close"].median())
        tick = max(_decade(math.floor(math.log10(median)) - 4), 1e-8)
        step = min(max(_decade(math.floor(math.log10(MIN_COST / median))), 1e-8), 1.0)
        symbol = f"{base}/{quote}"
        markets[symbol] = {
            "id": f"{base}{quote}",
            "symbol": symbol,
            "base": base,
            "quote": quote,
            "baseId": base,
            "quoteId": quote,
            "active": True,
            "type": "spot",
            "spot": True,
            "margin": False,
            "swap": False,
            "future": False,
            "option": False,
            "contract": False,
            "linear": None,
            "inverse": None,
            "contractSize": None,
            "taker": FEE,
            "maker": FEE,
            "precision": {"amount": step, "price": tick},
            "limits": {
                "amount": {"min": step, "max": None},
                "price": {"min": None, "max": None},
                "cost": {"min": MIN_COST if quote == "BTC" else None, "max": None},
                "leverage": {"min": None, "max": None},
            },
            "info": {},
        }
    return markets


def _refuse(*args, **kwargs):
    raise ccxt.NetworkError("ft_offline: no network access")


def install(datadir: Path) -> None:
    markets = offline_markets(datadir)

    class OfflineBinance(ccxt.binance):
        def load_markets(self, reload=False, params={}):  # noqa: B006 - ccxt's signature
            self.set_markets(markets, {})
            return self.markets

        fetch = _refuse

    class OfflineAsyncBinance(ccxt.async_support.binance):
        async def load_markets(self, reload=False, params={}):  # noqa: B006
            self.set_markets(markets, {})
            return self.markets

        async def fetch(self, *args, **kwargs):
            _refuse()

    ccxt.binance = OfflineBinance
    ccxt.async_support.binance = OfflineAsyncBinance
    try:
        pro = importlib.import_module("ccxt.pro")
        pro.binance = OfflineAsyncBinance
    except ImportError:
        pass


def main() -> None:
    install(Path(os.environ.get("FT_OFFLINE_DATADIR", "user_data/data/binance")))
    from freqtrade.main import main as freqtrade_main

    sys.argv = ["freqtrade", *sys.argv[1:]]
    freqtrade_main()


if __name__ == "__main__":
    main()
