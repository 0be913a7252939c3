"""``/pair_history`` with Freqtrade 2.50's hour/minute timeranges and API 2.42's ``live_mode``
(on replay the exchange's candles are the stored ones)."""

from __future__ import annotations

import pytest

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from tests.fixtures.api import config_dict

URL = "/api/v1/pair_history"
BODY = {"pair": "ETH/BTC", "timeframe": "5m", "strategy": "SampleStrategy"}


def dates(body: dict) -> list[str]:
    column = body["columns"].index("date")
    return [row[column] for row in body["data"]]


@pytest.mark.parametrize("method", ["get", "post"])
def test_hour_and_minute_bounds_keep_both_end_candles(webserver, client_basic, method):
    params = {**BODY, "timerange": "20180115T1200-20180115T1300"}
    if method == "get":
        response = client_basic.get(URL, params)
    else:
        response = client_basic.post(URL, params, format="json")
    assert response.status_code == 200, response.content[:300]
    got = dates(response.json())
    assert got[0] == "2018-01-15T12:00:00Z" and got[-1] == "2018-01-15T13:00:00Z"
    assert len(got) == 13


def test_epoch_and_seconds_bounds(webserver, client_basic):
    # 1516017600 = 2018-01-15 12:00; ...T125959 ends before the 13:00 candle.
    body = client_basic.post(
        URL, {**BODY, "timerange": "1516017600-20180115T125959"}, format="json"
    ).json()
    assert dates(body)[0] == "2018-01-15T12:00:00Z" and dates(body)[-1] == "2018-01-15T12:55:00Z"


def test_live_mode_on_replay_is_the_stored_candles(webserver, client_basic):
    params = {**BODY, "timerange": "20180115T1200-20180115T1300"}
    stored = client_basic.post(URL, params, format="json").json()
    live = client_basic.post(URL, {**params, "live_mode": True}, format="json").json()
    assert live["data"] == stored["data"] and live["length"] == 13


@pytest.mark.parametrize(
    ("timerange", "message"),
    [
        ("20180115 1200-", 'Incorrect syntax for timerange "20180115 1200-"'),
        ("20180116-20180115", 'Start date is after stop date for timerange "20180116-20180115"'),
        ("-", 'Incorrect syntax for timerange "-"'),
    ],
)
def test_bad_timerange_is_freqtrades_502(webserver, client_basic, timerange, message):
    response = client_basic.post(URL, {**BODY, "timerange": timerange}, format="json")
    assert (response.status_code, response.json()) == (502, {"detail": message})


@pytest.fixture
def binance_webserver(db, monkeypatch):
    """Webserver mode on a Binance config, with no way out: a proxy nobody listens on."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    config = build_config(config_dict(exchange={"name": "binance"}), path=None)
    runtime.register(None)
    configure_webserver(config)
    yield config
    configure_webserver(None)


def test_live_mode_asks_the_exchange_not_the_disk(binance_webserver, client_basic):
    params = {**BODY, "timerange": "20180115T1200-20180115T1300"}
    assert client_basic.post(URL, params, format="json").status_code == 200  # from the disk
    response = client_basic.post(URL, {**params, "live_mode": True}, format="json")
    assert response.status_code == 502
    assert response.json()["detail"].startswith("Could not fetch ETH/BTC, 5m from binance: ")
