"""Tradeplane's own price/amount rounding gives ccxt's answers for every precision mode."""

from __future__ import annotations

import pytest
from ccxt.base.decimal_to_precision import ROUND, TRUNCATE, decimal_to_precision

from bot_engine.exchange.precision import (
    DECIMAL_PLACES,
    SIGNIFICANT_DIGITS,
    TICK_SIZE,
    amount_to_precision,
    price_to_precision,
)

CASES = [
    (3.3950000000000005e-05, 1e-08, TICK_SIZE),
    (0.000035300000000000004, 1e-08, TICK_SIZE),
    (5.2900000000000005e-05, 1e-08, TICK_SIZE),
    (0.0512351, 0.00001, TICK_SIZE),
    (1.235, 0.01, TICK_SIZE),
    (-1.235, 0.01, TICK_SIZE),
    (12.9, 1.0, TICK_SIZE),
    (1234.5, 5.0, TICK_SIZE),
    (0.123456789, 0.0005, TICK_SIZE),
    (945.17958412345, 1e-08, TICK_SIZE),
    (1.23456, 3, DECIMAL_PLACES),
    (1.2345, 3, DECIMAL_PLACES),
    (0.000123456, 5, DECIMAL_PLACES),
    (123.456, 0, DECIMAL_PLACES),
    (0.000123456, 3, SIGNIFICANT_DIGITS),
    (987654.321, 4, SIGNIFICANT_DIGITS),
]


@pytest.mark.parametrize(("value", "precision", "mode"), CASES)
def test_prices_round_like_ccxt(value, precision, mode):
    expected = float(decimal_to_precision(value, ROUND, precision, mode))
    assert price_to_precision(value, precision, mode) == expected


@pytest.mark.parametrize(("value", "precision", "mode"), CASES)
def test_amounts_truncate_like_ccxt(value, precision, mode):
    expected = float(decimal_to_precision(value, TRUNCATE, precision, mode))
    assert amount_to_precision(value, precision, mode) == expected


@pytest.mark.parametrize("precision", [None, 0.0])
def test_no_precision_leaves_the_value_alone(precision):
    assert price_to_precision(0.1 + 0.2, precision, TICK_SIZE) == 0.1 + 0.2
