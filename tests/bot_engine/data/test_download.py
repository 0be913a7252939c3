"""download_data: paging through ccxt, appending without gaps or duplicates, atomic files."""

import json
from datetime import UTC, datetime, timedelta

import ccxt
import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bot_engine.config.model import ExchangeConfig
from bot_engine.data.candles import available_data, load_candles
from bot_engine.data.download import DownloadError, download_pair, download_range
from bot_engine.exchange.ccxt_exchange import CcxtExchange
from tests.fixtures.binance_klines import FIVE_MINUTES_MS, SPOT_ONLY, price_at

START = datetime(2024, 1, 1, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)
NOW = START + timedelta(days=3)


def opens(first_ms: int, count: int) -> list[int]:
    return [first_ms + k * FIVE_MINUTES_MS for k in range(count)]


@pytest.fixture
def binance_exchange(binance_klines):
    made = CcxtExchange(
        ExchangeConfig(name="binance", ccxt_config={**SPOT_ONLY, "enableRateLimit": False}),
        sleep=lambda _s: None,
    )
    made.now = lambda: NOW  # the clock the "still forming" check uses
    yield made
    made.close()


def fetch(binance_exchange, tmp_path, *, start=START, stop=None, progress=None):
    return download_pair(
        binance_exchange,
        data_dir=tmp_path,
        pair="ETH/BTC",
        timeframe="5m",
        start=start,
        stop=stop,
        now=NOW,
        progress=progress,
    )


def test_pages_are_joined_into_one_feather_file(binance_exchange, binance_klines, tmp_path):
    binance_klines.page_limit = 100
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 288 * 3)
    result = fetch(binance_exchange, tmp_path, stop=START + timedelta(days=1))
    assert (result.added, result.total) == (288, 288)
    frame = load_candles(tmp_path, "ETH/BTC", "5m")
    assert len(frame) == 288
    assert frame["date"].diff().dropna().eq(pd.Timedelta(minutes=5)).all()
    assert frame["close"].iloc[0] == price_at(START_MS)
    assert str(frame["date"].dtype) == "datetime64[ns, UTC]"
    # 100 per page; the third page reaches the stop date
    assert [int(c["startTime"]) for c in binance_klines.klines_calls()] == [
        START_MS,
        START_MS + 100 * FIVE_MINUTES_MS,
        START_MS + 200 * FIVE_MINUTES_MS,
    ]
    assert available_data(tmp_path) == [("ETH/BTC", "5m", "spot")]


def test_the_candle_still_forming_is_not_stored(binance_exchange, binance_klines, tmp_path):
    now_ms = int(NOW.timestamp() * 1000)
    binance_klines.candles[("ETHBTC", "5m")] = opens(now_ms - 3 * FIVE_MINUTES_MS, 4)
    result = fetch(binance_exchange, tmp_path, start=NOW - timedelta(minutes=15))
    assert result.added == 3
    assert load_candles(tmp_path, "ETH/BTC", "5m")["date"].iloc[-1] < pd.Timestamp(NOW)


def test_a_second_run_appends_only_new_candles(binance_exchange, binance_klines, tmp_path):
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 288)
    fetch(binance_exchange, tmp_path, stop=START + timedelta(days=1))
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 288 * 2)
    binance_klines.requests.clear()
    # a later start would leave a hole: the download resumes after the last stored candle
    result = fetch(binance_exchange, tmp_path, start=START + timedelta(days=1, hours=6))
    assert result.added == 288
    assert binance_klines.klines_calls()[0]["startTime"] == str(START_MS + 288 * FIVE_MINUTES_MS)
    frame = load_candles(tmp_path, "ETH/BTC", "5m")
    assert len(frame) == 576 and frame["date"].is_unique
    assert frame["date"].diff().dropna().eq(pd.Timedelta(minutes=5)).all()


def test_an_earlier_start_prepends(binance_exchange, binance_klines, tmp_path):
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 576)
    fetch(
        binance_exchange, tmp_path, start=START + timedelta(days=1), stop=START + timedelta(days=2)
    )
    result = fetch(binance_exchange, tmp_path, start=START, stop=START + timedelta(days=2))
    assert result.added == 288
    frame = load_candles(tmp_path, "ETH/BTC", "5m")
    assert len(frame) == 576 and frame["date"].iloc[0] == pd.Timestamp(START)


def test_temporary_errors_are_retried(binance_exchange, binance_klines, tmp_path):
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 10)
    binance_klines.failures = [ccxt.RequestTimeout("slow"), ccxt.NetworkError("reset")]
    result = fetch(binance_exchange, tmp_path, stop=START + timedelta(minutes=50))
    assert result.added == 10


def test_a_failure_keeps_the_old_file_untouched(binance_exchange, binance_klines, tmp_path):
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 20)
    fetch(binance_exchange, tmp_path, stop=START + timedelta(minutes=50))
    before = (tmp_path / "ETH_BTC-5m.feather").read_bytes()
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 600)
    binance_klines.page_limit = 100
    binance_klines.failures = [ccxt.NetworkError("down")] * 10
    with pytest.raises(DownloadError, match="Downloading ETH/BTC 5m failed: .*NetworkError"):
        fetch(binance_exchange, tmp_path)
    assert (tmp_path / "ETH_BTC-5m.feather").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["ETH_BTC-5m.feather"]  # no temp file left


def test_progress_bar_gets_every_candle(binance_exchange, binance_klines, tmp_path):
    binance_klines.candles[("ETHBTC", "5m")] = opens(START_MS, 30)
    bars = []

    class Bar:
        def __init__(self, description, total):
            self.description, self.total, self.done, self.closed = description, total, 0, False
            bars.append(self)

        def update(self, n):
            self.done += n

        def close(self):
            self.closed = True

    fetch(binance_exchange, tmp_path, stop=START + timedelta(minutes=150), progress=Bar)
    assert [(b.description, b.total, b.done, b.closed) for b in bars] == [
        ("ETH/BTC 5m", 30, 30, True)
    ]


def test_download_range():
    assert download_range(days=None, timerange="20240101-20240301", now=NOW) == (
        START,
        datetime(2024, 3, 1, tzinfo=UTC),
    )
    assert download_range(days=2, timerange=None, now=NOW) == (NOW - timedelta(days=2), None)
    assert download_range(days=None, timerange="20240101-", now=NOW) == (START, None)
    for bad in ("2024", "-20240101", "2024010-20240301"):
        with pytest.raises(DownloadError):
            download_range(days=None, timerange=bad, now=NOW)


def write_config(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(
        json.dumps(
            {
                "dry_run": True,
                "stake_currency": "BTC",
                "stake_amount": 0.01,
                "user_data_dir": str(tmp_path / "user_data"),
                "exchange": {
                    "name": "binance",
                    "ccxt_config": {**SPOT_ONLY, "enableRateLimit": False},
                    "pair_whitelist": ["ETH/BTC"],
                },
            }
        )
    )
    return path


def test_command_downloads_every_pair_and_timeframe(binance_klines, tmp_path, capsys):
    recent = int((datetime.now(UTC) - timedelta(days=1)).timestamp() * 1000)
    recent -= recent % 3_600_000
    binance_klines.candles[("ETHBTC", "5m")] = opens(recent, 24)
    binance_klines.candles[("ADABTC", "5m")] = opens(recent, 24)
    binance_klines.candles[("ETHBTC", "1h")] = [recent + k * 3_600_000 for k in range(2)]
    binance_klines.candles[("ADABTC", "1h")] = [recent + k * 3_600_000 for k in range(2)]
    call_command(
        "download_data",
        "--config", str(write_config(tmp_path)),
        "--pairs", "ETH/BTC", "ADA/BTC",
        "--timeframes", "5m", "1h",
        "--days", "2",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "ETH/BTC 5m: +24 candles" in out and "ADA/BTC 1h: +2 candles" in out
    assert "Downloaded 52 candles for 4 of 4 pair/timeframes" in out
    data_dir = tmp_path / "user_data" / "data" / "binance"
    assert len(available_data(data_dir)) == 4


def test_command_reports_an_unreachable_exchange(binance_klines, tmp_path, monkeypatch):
    no_wait = {**CcxtExchange.__init__.__kwdefaults__, "sleep": lambda _s: None}
    monkeypatch.setattr(CcxtExchange.__init__, "__kwdefaults__", no_wait)

    def down(self, url, method="GET", headers=None, body=None):
        raise ccxt.NetworkError("connection refused")

    monkeypatch.setattr(ccxt.binance, "fetch", down)
    with pytest.raises(CommandError, match="Could not reach binance: .*connection refused"):
        call_command("download_data", "--config", str(write_config(tmp_path)), "--days", "1")


def test_command_rejects_unknown_pairs(binance_klines, tmp_path):
    with pytest.raises(CommandError, match="Not traded on binance: DOGE/BTC"):
        call_command(
            "download_data", "--config", str(write_config(tmp_path)), "--pairs", "DOGE/BTC"
        )
