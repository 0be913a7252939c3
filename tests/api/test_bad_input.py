"""Bad input, one test per class (issue 5, reliability 5): each gets a clear JSON error,
never a 500 — 4xx, or the contract's 502 ``{"error"}`` where Freqtrade answers that."""

from __future__ import annotations

import pytest
from django.conf import settings

from bot_engine.data.candles import candle_file, pair_to_filename

pytestmark = pytest.mark.usefixtures("running_bot")


def post_raw(api, path: str, body: bytes):
    return api.post(path, data=body, content_type="application/json")


def test_malformed_json(api):
    response = post_raw(api, "/api/v1/forceenter", b'{"pair": "ETH/BTC",')
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/forceenter", b'{"pair": "ETH/BTC", "price": "abc"}', "price"),
        ("/api/v1/forceenter", b'{"pair": ["ETH/BTC"]}', "pair"),
        ("/api/v1/forceexit", b'{"tradeid": {"x": 1}}', "tradeid"),
        ("/api/v1/blacklist", b'{"blacklist": "ETH/BTC"}', "blacklist"),
    ],
)
def test_wrong_types(api, path, body, field):
    response = post_raw(api, path, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_wrong_type_in_query(api):
    response = api.get("/api/v1/trades?limit=many")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_huge_body_is_413(api):
    blob = b"A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    response = post_raw(api, "/api/v1/blacklist", b'{"blacklist": ["' + blob + b'"]}')
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large"}
    assert "AAAA/BTC" not in api.get("/api/v1/blacklist").content.decode()


def test_unknown_pair(api):
    response = post_raw(api, "/api/v1/forceenter", b'{"pair": "NOPE/BTC"}')
    assert response.status_code == 502  # contract §2.3: Freqtrade's RPCException answer
    assert "market is not active" in response.json()["error"]
    assert api.get("/api/v1/count").json()["current"] == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/forceenter", b'{"pair": "ETH/BTC", "stakeamount": -1}', "stakeamount"),
        ("/api/v1/forceenter", b'{"pair": "ETH/BTC", "price": -0.5}', "price"),
        ("/api/v1/forceenter", b'{"pair": "ETH/BTC", "leverage": -2}', "leverage"),
    ],
)
def test_negative_amounts(api, path, body, field):
    response = post_raw(api, path, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert api.get("/api/v1/count").json()["current"] == 0


def test_negative_exit_amount_is_refused(api):
    post_raw(api, "/api/v1/forceenter", b'{"pair": "ETH/BTC"}')
    response = post_raw(api, "/api/v1/forceexit", b'{"tradeid": 1, "amount": -1}')
    assert response.status_code == 422  # as a negative forceenter amount (issue 14, item 5)
    assert response.json()["detail"][0]["loc"] == ["body", "amount"]
    assert api.get("/api/v1/count").json()["current"] == 1  # still open


@pytest.mark.parametrize(
    "name", ["..%2F..%2Fetc", "..%2F..%2Fetc%2Fpasswd", "..", "%2Fetc%2Fpasswd", "a%00b"]
)
def test_path_traversal_in_strategy_names(api, name):
    response = api.get(f"/api/v1/strategy/{name}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_path_traversal_in_pair_history_strategy(api):
    response = api.get(
        "/api/v1/pair_history?pair=ETH/BTC&timeframe=5m&strategy=../../etc/passwd"
        "&timerange=20180110-20180111"
    )
    assert response.status_code in (404, 502)
    assert "not found" in response.json()["detail"]


@pytest.mark.parametrize("pair", ["../../../etc/passwd", "..\\..\\x", "/etc/passwd", "a\x00b"])
def test_path_traversal_in_data_paths(api, tmp_path, pair):
    assert candle_file(tmp_path, pair, "5m").parent == tmp_path
    assert "/" not in pair_to_filename(pair) and ".." not in pair_to_filename(pair)
    response = api.get("/api/v1/pair_candles", {"pair": pair, "timeframe": "5m"})
    if "\x00" in pair:  # DRF refuses NUL characters outright
        assert response.status_code == 422
    else:
        assert response.status_code == 200
        assert response.json()["length"] == 0


def test_unknown_timeframe(api):
    response = api.get("/api/v1/pair_candles?pair=ETH/BTC&timeframe=../5m")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "timeframe"]


def open_trade(api) -> dict:
    response = post_raw(api, "/api/v1/forceenter", b'{"pair": "ETH/BTC"}')
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"tradeid": 1, "ordertype": "limit", "price": -1}', "price"),
        (b'{"tradeid": 1, "ordertype": "limit", "price": 0}', "price"),
        (b'{"tradeid": 1, "ordertype": "limit", "price": true}', "price"),
        (b'{"tradeid": 1, "amount": 0}', "amount"),
        (b'{"tradeid": 1, "amount": false}', "amount"),
    ],
)
def test_force_exit_refuses_prices_and_amounts_that_are_not_positive_numbers(api, body, field):
    open_trade(api)
    response = post_raw(api, "/api/v1/forceexit", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    status = api.get("/api/v1/status").json()
    assert [t["trade_id"] for t in status] == [1]  # still open, nothing booked
    assert api.get("/api/v1/profit").json()["profit_closed_coin"] == 0


@pytest.mark.parametrize(
    "body",
    [b'{"pair": "ETH/BTC", "price": true}', b'{"pair": "ETH/BTC", "stakeamount": 0}'],
)
def test_force_enter_refuses_booleans_and_zero_stakes(api, body):
    response = post_raw(api, "/api/v1/forceenter", body)
    assert response.status_code == 422
    assert api.get("/api/v1/count").json()["current"] == 0


@pytest.mark.parametrize(
    "until", ["9999-12-31T23:59:59Z", "9999-06-01 00:00:00+00:00", "0001-01-01T00:00:00+05:00"]
)
def test_lock_until_beyond_the_calendar_is_422(api, until):
    response = api.post("/api/v1/locks", [{"pair": "ETH/BTC", "until": until}], format="json")
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["loc"] == ["body", 0, "until"] and item["input"] == until
    assert api.get("/api/v1/locks").json()["lock_count"] == 0


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("/api/v1/trades?offset=9223372036854775808", ["query", "offset"]),
        ("/api/v1/trades?limit=9223372036854775808", ["query", "limit"]),
    ],
)
def test_page_numbers_beyond_64_bits_are_422(api, path, loc):
    response = api.get(path)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc


def test_largest_offset_is_an_empty_page(api):
    open_trade(api)
    post_raw(api, "/api/v1/forceexit", b'{"tradeid": 1}')
    response = api.get("/api/v1/trades?offset=9223372036854775807&limit=9223372036854775807")
    assert response.status_code == 200
    assert response.json()["trades"] == [] and response.json()["total_trades"] == 1


@pytest.mark.parametrize("trade_id", ["\u00b2", "1" * 5000])
def test_force_exit_of_a_trade_id_int_refuses_is_invalid_argument(api, trade_id):
    open_trade(api)
    response = api.post("/api/v1/forceexit", {"tradeid": trade_id}, format="json")
    assert response.status_code == 502  # contract §3.11: Freqtrade's "invalid argument"
    assert response.json()["error"].endswith("invalid argument")
    assert api.get("/api/v1/count").json()["current"] == 1
