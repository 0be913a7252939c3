"""Statistics over many trades: which float sum each helper is, and the drawdown and ratio rules.

The figures against Freqtrade's recorded answers are in the parity tests; these pin the rules
the figures rest on, without a database.
"""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from bot_engine import trade_math, trade_stats

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US


def test_seq_sum_is_left_to_right_and_pairwise_sum_is_numpy():
    values = np.array([1e16, 1.0, -1e16, 1.0] * 3)
    assert trade_stats.seq_sum(values) == sum(values.tolist())
    assert trade_stats.pairwise_sum(values) == float(np.sum(values))
    assert trade_stats.seq_sum([]) == 0.0


def test_seq_sum_inserted_equals_the_sum_of_the_inserted_array():
    rng = np.random.default_rng(7)
    values = rng.normal(size=50)
    extra = rng.normal(size=4)
    positions = np.array([0, 10, 10, 50])
    expected = trade_stats.seq_sum(np.insert(values, positions, extra))
    running = np.cumsum(values)
    assert trade_stats.seq_sum_inserted(values, running, positions, extra) == expected
    assert trade_stats.seq_sum_inserted(values, running, positions[1:], extra[1:]) == (
        trade_stats.seq_sum(np.insert(values, positions[1:], extra[1:]))
    )


def test_bn_std_matches_pandas():
    values = np.array([0.1, -0.3, 0.25, 0.05, -0.01])
    assert trade_stats.bn_std(values, ddof=1) == pytest.approx(pd.Series(values).std(), abs=0)
    assert math.isnan(trade_stats.bn_std(np.array([1.0]), ddof=1))


def test_group_seq_sums_keeps_row_order_inside_each_group():
    codes = np.array([1, 0, 1, 1])
    values = np.array([1e16, 5.0, 1.0, -1e16])
    sums = trade_stats.group_seq_sums(codes, values, 3)
    assert sums.tolist() == [5.0, (1e16 + 1.0) - 1e16, 0.0]


def test_rank_groups_needs_a_filled_entry_and_ranks_by_profit():
    labels = np.array(["A/B", "C/D", "E/F"], dtype=object)
    codes = np.array([0, 1, 1, 2])
    profit_abs = np.array([1.0, 3.0, -1.0, 9.0])
    cost_rows = np.array([0, 1, 2])  # the E/F trade has no filled entry order
    costs = np.array([10.0, 20.0, 20.0])
    assert trade_stats.rank_groups(labels, codes, profit_abs, cost_rows, costs) == [
        ("C/D", 2.0 / 40.0, 2.0, 2),
        ("A/B", 0.1, 1.0, 1),
    ]


def test_drawdown_without_a_loss_is_zero_at_the_first_close():
    close_us = np.array([DAY_US, 2 * DAY_US])
    result = trade_stats.drawdown(np.array([1.0, 2.0]), close_us, 100.0)
    assert (result.max_abs, result.max_relative) == (0.0, 0.0)
    assert result.high_us == result.low_us == DAY_US
    assert trade_stats.drawdown(np.array([]), np.array([], dtype=np.int64), 100.0) is None


def test_drawdown_from_the_peak_to_the_bottom():
    close_us = np.array([1, 2, 3, 4]) * DAY_US
    result = trade_stats.drawdown(np.array([10.0, -4.0, -2.0, 1.0]), close_us, 100.0)
    assert result.max_abs == 6.0
    assert result.max_relative == pytest.approx(6.0 / 110.0)
    assert (result.high_us, result.low_us) == (DAY_US, 3 * DAY_US)
    assert (result.current_abs, result.current_high) == (5.0, 10.0)


def test_risk_ratios_mark_an_undefined_spread_with_minus_100():
    moments = trade_stats.ratio_moments(np.array([1.0, 1.0]), 100.0)
    ratios = trade_stats.risk_ratios(
        moments,
        start_balance=100.0,
        first_us=0,
        last_us=10 * DAY_US,
        final_balance=102.0,
        max_drawdown=0.0,
    )
    assert (ratios.sharpe, ratios.sortino, ratios.calmar, ratios.sqn) == (-100.0,) * 4
    assert ratios.cagr == pytest.approx(1.02 ** (365 / 10) - 1)


def test_win_loss_counts_a_zero_ratio_as_a_win():
    result = trade_stats.win_loss(np.array([0.0, 0.1, -0.1]), np.array([0.0, 2.0, -1.0]))
    assert (result.winning, result.losing, result.profit_factor) == (2, 1, 2.0)
    assert trade_stats.win_loss(np.array([0.1]), np.array([1.0])).profit_factor == math.inf


def test_open_profit_measures_against_the_stored_open_value():
    trade = SimpleNamespace(
        amount=1.0,
        open_trade_value=0.1001,
        fee_close=0.001,
        is_short=False,
        leverage=None,
        trading_mode="spot",
        funding_fees=None,
    )
    assert trade_math.open_profit(trade, 0.11) == (0.00979, 0.0978022)
