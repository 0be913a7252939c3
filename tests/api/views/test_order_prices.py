"""Order prices through the API on the replay exchange (dry-run): every price and amount is on
the market's grid, and a limit order that crosses the market fills at the market price."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = pytest.mark.usefixtures("running_bot")

GRID_DECIMALS = 8  # the replay markets' tick and step are 1e-8


def decimals(value: float) -> int:
    """How many decimals the shortest repr of ``value`` has (float noise shows as 17+)."""
    return max(0, -Decimal(repr(value)).as_tuple().exponent)


def force_enter(api, pair: str, **extra) -> dict:
    response = api.post("/api/v1/forceenter", {"pair": pair, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def force_exit(api, trade_id: int, **extra):
    return api.post("/api/v1/forceexit", {"tradeid": trade_id, **extra}, format="json")


@pytest.mark.parametrize("pair", ["ADA/BTC", "XLM/BTC"])
def test_prices_and_amounts_on_the_wire_are_on_the_market_grid(api, running_bot, pair):
    """The bundled candles hold 5.2900000000000005e-05-style floats; the wire must not."""
    trade = force_enter(api, pair)
    force_exit(api, trade["trade_id"])
    served = api.get(f"/api/v1/trade/{trade['trade_id']}").json()
    numbers = [served["open_rate"], served["close_rate"], served["amount"]]
    numbers += [o["safe_price"] for o in served["orders"]] + [o["amount"] for o in served["orders"]]
    assert all(decimals(n) <= GRID_DECIMALS for n in numbers), numbers
    assert served["open_rate"] == pytest.approx(running_bot.current_rate(pair), rel=1e-6)


def test_a_limit_buy_above_the_market_fills_at_the_market_price(api, running_bot):
    market = running_bot.current_rate("ETH/BTC")
    trade = force_enter(api, "ETH/BTC", ordertype="limit", price=1.0)
    assert market < 0.2  # ETH/BTC in January 2018: the limit of 1.0 is far above it
    assert trade["open_rate"] == market
    assert trade["stake_amount"] == pytest.approx(trade["amount"] * market)
    assert [o["safe_price"] for o in trade["orders"]] == [market]


def test_a_limit_sell_below_the_market_fills_at_the_market_price(api, running_bot):
    trade = force_enter(api, "ETH/BTC")
    response = force_exit(api, trade["trade_id"], ordertype="limit", price=0.00000001)
    assert response.status_code == 200, response.content
    closed = api.get(f"/api/v1/trade/{trade['trade_id']}").json()
    assert closed["is_open"] is False
    assert closed["close_rate"] == running_bot.current_rate("ETH/BTC")
    # Only the two fees are lost, not the stake.
    assert closed["close_profit_abs"] == pytest.approx(-0.002 * trade["stake_amount"], rel=0.01)


def test_a_limit_exit_price_below_one_tick_is_refused(api):
    trade = force_enter(api, "ETH/BTC")
    response = force_exit(api, trade["trade_id"], ordertype="limit", price=1e-12)
    assert response.status_code == 502
    assert response.json()["error"].endswith("Failed to exit trade.")
    assert api.get(f"/api/v1/trade/{trade['trade_id']}").json()["is_open"] is True
