"""Edge's trade simulation and figures on hand-built candles whose outcome is known."""

import numpy as np
import pandas as pd
import pytest

from bot_engine.config.model import EdgeConfig
from bot_engine.edge.simulation import accepted, pair_edges, simulate_trades, stoploss_range

STOPS = np.array([-0.01, -0.05])


def frame(rows):
    """rows: (open, low, enter, exit); high/close follow open."""
    df = pd.DataFrame(rows, columns=["open", "low", "enter_long", "exit_long"])
    df["high"] = df["open"] * 1.001
    df["close"] = df["open"]
    df["date"] = pd.date_range("2024-01-01", periods=len(df), freq="5min", tz="UTC")
    return df


def test_stoploss_range_covers_min_to_max():
    assert stoploss_range(EdgeConfig()).tolist() == [
        -0.01, -0.02, -0.03, -0.04, -0.05, -0.06, -0.07, -0.08, -0.09, -0.1,
    ]  # fmt: skip


def test_exit_signal_fills_at_next_open_and_stop_at_its_price():
    df = frame(
        [
            (100, 100, 1, 0),  # entry signal
            (100, 98, 0, 0),  # opens at 100; low 98 hits the 1% stop (99), not the 5% one
            (102, 101, 0, 1),  # exit signal
            (104, 103, 0, 0),  # the exit fills at this open: 104
            (100, 100, 0, 0),
        ]
    )
    trades = simulate_trades(df, STOPS, fee=0.0, timeframe_minutes=5)
    tight = trades[trades["stoploss"] == -0.01].iloc[0]
    wide = trades[trades["stoploss"] == -0.05].iloc[0]
    assert tight["profit_ratio"] == pytest.approx(-0.01)
    assert tight["duration"] == 0  # stopped in the candle it opened
    assert wide["profit_ratio"] == pytest.approx(0.04)
    assert wide["duration"] == 10


def test_fees_on_both_sides():
    df = frame([(100, 100, 1, 0), (100, 100, 0, 1), (110, 110, 0, 0)])
    trades = simulate_trades(df, np.array([-0.05]), fee=0.001, timeframe_minutes=5)
    expected = (110 * 0.999 - 100 * 1.001) / (100 * 1.001)
    assert trades["profit_ratio"].iloc[0] == pytest.approx(expected)


def test_trades_do_not_overlap_and_unfinished_ones_are_dropped():
    df = frame(
        [
            (100, 100, 1, 0),
            (100, 100, 1, 0),  # a second signal while the first trade is open: ignored
            (100, 100, 0, 1),
            (101, 101, 1, 0),  # exit fills here; a new signal on the same candle may enter
            (101, 101, 0, 1),
            (102, 102, 1, 0),  # exit 2 fills; then a trade that never ends
            (102, 102, 0, 0),
        ]
    )
    trades = simulate_trades(df, np.array([-0.05]), fee=0.0, timeframe_minutes=5)
    assert trades["profit_ratio"].round(6).tolist() == [0.01, pytest.approx(1 / 101, abs=1e-6)]


def make_trades(profits, stoploss=-0.02, duration=30.0):
    return pd.DataFrame(
        {"stoploss": stoploss, "profit_ratio": profits, "duration": duration}, dtype="float64"
    )


def test_figures_match_freqtrades_formulas():
    config = EdgeConfig(min_trade_number=4)
    edges = pair_edges({"ETH/BTC": make_trades([0.04, 0.02, -0.01, -0.03])}, config)
    edge = edges["ETH/BTC"]
    assert edge.winrate == 0.5
    assert edge.risk_reward_ratio == pytest.approx(0.03 / 0.02)
    assert edge.required_risk_reward == pytest.approx(1.0)
    assert edge.expectancy == pytest.approx(1.5 * 0.5 - 0.5)
    assert (edge.nb_trades, edge.avg_trade_duration, edge.stoploss) == (4, 30.0, -0.02)


def test_best_stoploss_per_pair_and_filters():
    config = EdgeConfig(min_trade_number=3, max_trade_duration_minute=60)
    trades = pd.concat(
        [
            make_trades([0.03, 0.03, -0.01], stoploss=-0.01),
            make_trades([0.03, -0.02, -0.02], stoploss=-0.02),
            make_trades([0.05, 0.05], stoploss=-0.03),  # too few trades
            make_trades([0.5, 0.5, 0.5], stoploss=-0.04, duration=90),  # too long: dropped
        ]
    )
    edges = pair_edges({"ETH/BTC": trades, "XLM/BTC": make_trades([-0.01] * 3)}, config)
    assert list(edges) == ["ETH/BTC", "XLM/BTC"]  # best expectancy first
    assert edges["ETH/BTC"].stoploss == -0.01
    assert edges["XLM/BTC"].expectancy == -1.0
    accepted_pairs = accepted(edges, EdgeConfig(minimum_winrate=0.6, minimum_expectancy=0.2))
    assert [e.pair for e in accepted_pairs] == ["ETH/BTC"]


def test_remove_pumps_drops_outliers():
    profits = [0.01] * 20 + [-0.01] * 20 + [5.0]
    plain = pair_edges({"P/BTC": make_trades(profits)}, EdgeConfig())
    cleaned = pair_edges({"P/BTC": make_trades(profits)}, EdgeConfig(remove_pumps=True))
    assert plain["P/BTC"].nb_trades == 41 and cleaned["P/BTC"].nb_trades == 40
    assert cleaned["P/BTC"].expectancy == pytest.approx(0.0)


def test_no_losing_trade_gives_infinite_ratio():
    edges = pair_edges({"P/BTC": make_trades([0.01] * 10)}, EdgeConfig())
    assert edges["P/BTC"].risk_reward_ratio == float("inf")
    assert edges["P/BTC"].winrate == 1.0
