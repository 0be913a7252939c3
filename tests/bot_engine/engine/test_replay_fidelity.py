"""Replay fidelity: the live engine on the replay exchange exits on the candle where Freqtrade's
backtest exits (tests/data/freqtrade/backtest/runs/sample, Freqtrade 2026.9's own trades).

Same strategy file, stake, fee and range start; five pairs over three days, so it stays fast.
With one price per candle (the close) only a few of these trades exited on Freqtrade's candle.
"""

from __future__ import annotations

import json
from datetime import datetime

from bot_engine.models import Trade
from tests.fixtures.engine import ROOT, run_candles

REFERENCE = ROOT / "tests" / "data" / "freqtrade" / "backtest"
PAIRS = ["ETH/BTC", "XLM/BTC", "ADA/BTC", "NXT/BTC", "TRX/BTC"]
CANDLES = 864  # three days from 2018-01-11 00:05
CANDLE = 300


def candle(value: datetime) -> int:
    return int(value.timestamp()) // CANDLE * CANDLE


def test_sample_strategy_exits_on_freqtrades_candles(make_running_bot):
    bot = make_running_bot(
        strategy="SampleStrategy",
        strategy_path=str(REFERENCE / "strategies"),
        stake_amount=0.01,
        max_open_trades=5,
        unfilledtimeout={"entry": 10, "exit": 10, "unit": "minutes"},
        exchange={
            "pair_whitelist": PAIRS,
            "replay": {"speed": 0, "start": "20180111-0005"},
            "fee": 0.001,
        },
    )
    run_candles(bot, CANDLES)
    end = candle(bot.exchange.now())
    lines = (REFERENCE / "runs" / "sample" / "trades.json").read_text().splitlines()
    theirs = {
        (t["pair"], candle(datetime.fromisoformat(t["open_date"]))): t
        for t in (json.loads(line.rstrip(",")) for line in lines if line.startswith("{"))
        if t["pair"] in PAIRS and candle(datetime.fromisoformat(t["close_date"])) < end
    }
    ours = {(t.pair, candle(t.open_date)): t for t in Trade.objects.for_bot(bot.bot_id).closed()}
    matched = set(theirs) & set(ours)
    assert len(matched) >= 0.9 * len(theirs) >= 10  # the same entries
    same = [
        key
        for key in matched
        if candle(ours[key].close_date) == candle(datetime.fromisoformat(theirs[key]["close_date"]))
    ]
    assert len(same) >= 0.9 * len(matched)
    for key in same:  # and at Freqtrade's price: the ROI price, the stop, the open
        assert ours[key].close_rate == theirs[key]["close_rate"]
