"""The live engine on the replay exchange sees Freqtrade's signals: at each new candle, the
signal of the last analysed row equals the row Freqtrade 2026.9's reference gives for that
candle (tests/data/freqtrade/signals/). The strategy uses rolling windows only, so the engine's
300-candle window and Freqtrade's whole-history analysis must agree exactly; its 1h columns come
from the replay exchange's own 1h candles, built from the 5m ones as they close.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.fixtures.engine import TEST_STRATEGIES, run_candles

SIGNALS = Path(__file__).resolve().parents[2] / "data" / "freqtrade" / "signals"
WHITELIST = ["ETH/BTC", "LTC/BTC"]
CANDLES = 220  # 2018-01-15 00:00 to ~18:15: a few dozen reference rows per pair


def test_replay_engine_signals_match_freqtrade(make_running_bot):
    reference = json.loads((SIGNALS / "ParityInformativeDecorator.json").read_text())
    bot = make_running_bot(
        strategy="ParityInformativeDecorator",
        strategy_path=str(TEST_STRATEGIES / "parity"),
        exchange={"pair_whitelist": WHITELIST, "replay": {"speed": 0, "start": "20180115"}},
    )
    seen: dict[tuple[str, int], list] = {}
    analyze = bot.strategy.analyze

    def recording(candles, pair, *args, **kwargs):
        frame = analyze(candles, pair, *args, **kwargs)
        last = frame.iloc[-1]
        when = int(pd.Timestamp(last["date"]).timestamp() * 1000)
        seen[pair, when] = [
            last.get("enter_long") == 1,
            last.get("exit_long") == 1,
            last.get("enter_tag") or "",
            last.get("exit_tag") or "",
        ]
        return frame

    bot.strategy.analyze = recording
    run_candles(bot, CANDLES)

    start = pd.Timestamp("2018-01-15", tz="UTC").timestamp() * 1000
    compared = fired = 0
    for pair in WHITELIST:
        expected = {
            row[0]: [row[1] == 1, row[2] == 1, row[3] or "", row[4] or ""]
            for row in reference["pairs"][pair]["rows"]
        }
        for (seen_pair, when), signal in seen.items():
            if seen_pair != pair or when < start:
                continue
            assert signal == expected.get(when, [False, False, "", ""]), (pair, when)
            compared += 1
            fired += signal[0] or signal[1]
    assert compared >= CANDLES  # both pairs analysed on (nearly) every candle
    assert fired >= 5  # and the comparison covered signals, not only quiet rows
