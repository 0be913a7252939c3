"""Profit math: worked examples, and Freqtrade's own stored results reproduced exactly."""

import sqlite3
from pathlib import Path

import pytest

from bot_engine import trade_math

FREQTRADE_DB = Path(__file__).resolve().parents[1] / "data" / "freqtrade" / "tradesv3-2k.sqlite"


def test_worked_example_long_with_fees():
    # 1 unit bought at 0.1 and sold at 0.11, 0.1 % fee each way:
    # paid 0.1 * 1.001 = 0.1001, received 0.11 * 0.999 = 0.10989.
    kwargs = dict(amount=1.0, open_rate=0.1, close_rate=0.11, fee_open=0.001, fee_close=0.001)
    assert trade_math.open_trade_value(1.0, 0.1, 0.001, is_short=False) == pytest.approx(0.1001)
    assert trade_math.calc_profit(**kwargs) == 0.00979
    assert trade_math.calc_profit_ratio(**kwargs) == 0.0978022  # 0.10989 / 0.1001 - 1


def test_worked_example_loss_and_zero_stake():
    assert (
        trade_math.calc_profit(
            amount=2.0, open_rate=0.05, close_rate=0.045, fee_open=0.0, fee_close=0.0
        )
        == -0.01
    )
    assert (
        trade_math.calc_profit_ratio(
            amount=0.0, open_rate=0.05, close_rate=0.045, fee_open=0.001, fee_close=0.001
        )
        == 0.0
    )


def test_decimal_inside_avoids_float_noise():
    # 0.1 * 3 is 0.30000000000000004 in floats; the trade value must not carry that noise.
    assert trade_math.open_trade_value(3.0, 0.1, 0.0, is_short=False) == 0.3


def test_stoploss_price_and_pct_keep_sign():
    assert trade_math.stoploss_price(100.0, -0.1, is_short=False, leverage=1.0) == pytest.approx(90)
    assert trade_math.pct(-0.00001) == -0.0
    assert str(trade_math.pct(-0.00001)) == "-0.0"


def test_reproduces_freqtrade_profits_on_2000_real_trades():
    """Freqtrade's stored close_profit_abs/close_profit, recomputed from its own inputs."""
    rows = (
        sqlite3.connect(f"file:{FREQTRADE_DB}?mode=ro", uri=True)
        .execute(
            "select amount, open_rate, close_rate, fee_open, fee_close, close_profit_abs, "
            "close_profit, open_trade_value from trades where is_open = 0"
        )
        .fetchall()
    )
    assert len(rows) == 2000
    for amount, open_rate, close_rate, fee_open, fee_close, profit_abs, ratio, open_value in rows:
        kwargs = dict(
            amount=amount,
            open_rate=open_rate,
            close_rate=close_rate,
            fee_open=fee_open,
            fee_close=fee_close,
        )
        assert trade_math.open_trade_value(amount, open_rate, fee_open, is_short=False) == (
            pytest.approx(open_value, abs=1e-12)
        )
        assert trade_math.calc_profit(**kwargs) == profit_abs
        # What Freqtrade stores for a closed trade: the rounded profit over the entry value.
        assert trade_math.closed_profit_ratio(profit_abs, open_value) == ratio
