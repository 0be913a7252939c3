"""Acceptance: a Freqtrade database imported with ``import_freqtrade`` answers over the API exactly
as Freqtrade 2026.9 answered about it (``tests/data/freqtrade/responses``; README there).

One generic deep comparison: every key Freqtrade returns is present, numbers equal to 1e-9
relative (ints exactly), strings and dates identical; the clock-dependent fields and the mix_tags
``profit_pct`` slip are the only exceptions. Then the open-position database: its open trades show
in ``/status`` as Freqtrade stored them and the engine manages them to their exit.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
from datetime import datetime

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api.context import configure_webserver
from bot_engine import runtime
from bot_engine.config.builder import build_config
from bot_engine.config.loader import load_config
from bot_engine.engine.factory import build_running_bot
from bot_engine.engine.loop import Engine
from bot_engine.engine.state import BotState
from bot_engine.importer import import_freqtrade
from bot_engine.models import Bot, Trade
from tests.fixtures.api import REPO, USER_DATA, basic_header, config_dict
from tests.fixtures.engine import run_candles
from tests.fixtures.freqtrade_data import FREQTRADE_2K_DB, FREQTRADE_DIR, freqtrade_response

pytestmark = pytest.mark.django_db

FREQTRADE_OPEN_DB = FREQTRADE_DIR / "tradesv3-open.sqlite"
RECORDED = json.loads((FREQTRADE_DIR / "responses" / "index.json").read_text())
# Fields that depend on the clock (README): never comparable.
CLOCK_DEPENDENT = {"profit.first_trade_humanized", "profit.latest_trade_humanized"}
TIME_UNITS = {"daily": "days", "weekly": "weeks", "monthly": "months"}
REL_TOL = 1e-9


def ft_config(**overrides):
    """The API test config with the values Freqtrade ran with (``config.json``)."""
    ft = json.loads((FREQTRADE_DIR / "config.json").read_text())
    keys = (
        "bot_name",
        "dry_run_wallet",
        "tradable_balance_ratio",
        "stake_currency",
        "stake_amount",
        "max_open_trades",
        "initial_state",
        "minimal_roi",
        "use_exit_signal",
    )
    return config_dict(**{**{key: ft[key] for key in keys}, **overrides})


def differences(ours, theirs, path: str = "") -> list[tuple[str, object, object]]:
    """Every path where ``ours`` differs from Freqtrade's ``theirs``: (path, ours, theirs)."""
    if path in CLOCK_DEPENDENT:
        return []
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [(path, ours, theirs)]
        found = []
        for key, value in theirs.items():
            sub = f"{path}.{key}"
            if key not in ours:
                found.append((sub, "<missing>", value))
            else:
                found += differences(ours[key], value, sub)
        return found
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            size = len(ours) if isinstance(ours, list) else ours
            return [(f"{path}[len]", size, len(theirs))]
        found = []
        for index, (mine, value) in enumerate(zip(ours, theirs, strict=True)):
            found += differences(mine, value, f"{path}[{index}]")
        return found
    if isinstance(theirs, bool) or theirs is None or isinstance(theirs, str):
        return [] if ours == theirs and type(ours) is type(theirs) else [(path, ours, theirs)]
    if isinstance(theirs, int):  # counts and ids: exact
        return [] if ours == theirs and not isinstance(ours, bool) else [(path, ours, theirs)]
    if isinstance(theirs, float):
        number = isinstance(ours, int | float) and not isinstance(ours, bool)
        close = number and math.isclose(ours, theirs, rel_tol=REL_TOL, abs_tol=1e-15)
        return [] if close else [(path, ours, theirs)]
    return [] if ours == theirs else [(path, ours, theirs)]


def assert_same(ours, theirs, name: str) -> None:
    found = differences(ours, theirs, name)
    report = "\n".join(f"  {path}: ours={a!r} freqtrade={b!r}" for path, a, b in found)
    assert not found, f"{len(found)} difference(s) from Freqtrade:\n{report}"


@pytest.fixture(scope="module")
def ft_bot(django_db_setup, django_db_blocker):
    """Bot ``ft-anchor`` holding the imported 2k database, run with Freqtrade's config values
    (committed once per module, removed after)."""
    with django_db_blocker.unblock():
        summary = import_freqtrade(FREQTRADE_2K_DB, bot_name="ft-anchor")
        assert (summary.trades.imported, summary.orders.imported) == (2000, 4000)
        bot = build_running_bot(build_config(ft_config(), path=None))
        Engine(bot).iteration()
    yield bot
    with django_db_blocker.unblock():
        Bot.objects.filter(name="ft-anchor").delete()


@pytest.fixture
def ft_api(ft_bot) -> APIClient:
    runtime.register(ft_bot)
    configure_webserver(None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic_header())
    yield client
    runtime.register(None)


def get(client: APIClient, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.content[:500])
    return json.loads(response.content)


@pytest.mark.parametrize("name", sorted(set(RECORDED) - set(TIME_UNITS)))
def test_endpoint_matches_freqtrade(ft_api, name):
    expected = freqtrade_response(name)
    if name == "mix_tags":
        # Freqtrade's operator-precedence slip (README): the pct is checked against the formula.
        for row in expected:
            row["profit_pct"] = round(row["profit_ratio"] * 100, 2)
    assert_same(get(ft_api, RECORDED[name]), expected, name)


@pytest.mark.parametrize("name", sorted(TIME_UNITS))
def test_time_unit_buckets_match_freqtrade(ft_api, ft_bot, name):
    """Buckets by date. Ours count back from the bot's (replay) clock, late January 2018; the
    recorded ones from Freqtrade's today, cut at 2018-03-01: the ones after our clock hold no
    trade, every one that holds a trade is compared."""
    expected = freqtrade_response(name)
    oldest = min(datetime.fromisoformat(row["date"]).date() for row in expected["data"])
    today = ft_bot.exchange.now().date()
    span = (today - oldest).days
    months = (today.year - oldest.year) * 12 + today.month - oldest.month + 1
    timescale = {"days": span + 1, "weeks": span // 7 + 2, "months": months}[TIME_UNITS[name]]
    body = get(ft_api, f"/api/v1/{name}?timescale={timescale}")
    ours = {row["date"]: row for row in body["data"]}
    newest = max(ours)
    compared = [row for row in expected["data"] if row["date"] <= newest]
    beyond = [row for row in expected["data"] if row["date"] > newest]
    assert all(row["trade_count"] == 0 for row in beyond)
    assert {row["date"] for row in compared} <= set(ours), "a recorded bucket is missing"
    assert_same({k: v for k, v in body.items() if k != "data"},
                {k: v for k, v in expected.items() if k != "data"}, name)  # fmt: skip
    assert_same([ours[row["date"]] for row in compared], compared, f"{name}.data")
    assert sum(row["trade_count"] for row in compared) == 2000


def test_reimport_changes_nothing(ft_api):
    before = get(ft_api, "/api/v1/profit")
    summary = import_freqtrade(FREQTRADE_2K_DB, bot_name="ft-anchor")
    assert (summary.trades.imported, summary.trades.present) == (0, 2000)
    assert (summary.orders.imported, summary.orders.present) == (0, 4000)
    assert_same(get(ft_api, "/api/v1/profit"), before, "profit")


def _source_open_trades() -> list[dict]:
    with sqlite3.connect(f"file:{FREQTRADE_OPEN_DB}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        trades = [dict(r) for r in db.execute("SELECT * FROM trades WHERE is_open ORDER BY id")]
        sql = "SELECT * FROM orders WHERE ft_trade_id = ? ORDER BY id"
        for trade in trades:
            trade["orders"] = [dict(r) for r in db.execute(sql, (trade["id"],))]
    return trades


def test_open_trades_show_in_status_and_the_engine_closes_them(tmp_path, client_basic):
    """The 5 open positions keep their entry data, then exit by ROI like the engine's own."""
    data = tmp_path / "user_data" / "data" / "binance"
    data.mkdir(parents=True)
    for candles in [*(USER_DATA / "data" / "binance").glob("*.feather"),
                    *(FREQTRADE_DIR / "candles").glob("*.feather")]:  # fmt: skip
        shutil.copy(candles, data)
    source = _source_open_trades()
    pairs = sorted({trade["pair"] for trade in source})
    config_path = tmp_path / "config.json"
    config = ft_config(
        bot_name="ft-open",
        initial_state="running",
        max_open_trades=len(source),
        minimal_roi={"0": -1},  # any price is an exit: ROI closes every open trade
        user_data_dir=str(tmp_path / "user_data"),
        strategy_path=str(REPO / "user_data" / "strategies"),
    )
    config["exchange"] = {**config["exchange"], "pair_whitelist": pairs}
    config_path.write_text(json.dumps(config))
    call_command("import_freqtrade", str(FREQTRADE_OPEN_DB), config=str(config_path), verbosity=0)

    bot = build_running_bot(load_config(config_path))
    runtime.register(bot)
    try:
        status = get(client_basic, "/api/v1/status")
        assert [row["trade_id"] for row in status] == [trade["id"] for trade in source]
        for row, trade in zip(status, source, strict=True):
            assert (row["pair"], row["is_open"], row["enter_tag"]) == (
                trade["pair"], True, trade["enter_tag"] or None)  # fmt: skip
            assert (row["open_rate"], row["fee_open"]) == (trade["open_rate"], trade["fee_open"])
            for key in ("amount", "stake_amount", "open_trade_value"):  # to_json rounds these
                assert row[key] == round(trade[key], 8), key
            assert row["open_date"] == trade["open_date"][:19]
            assert [o["amount"] for o in row["orders"]] == [o["amount"] for o in trade["orders"]]
            assert row["orders"][0]["ft_order_side"] == "buy"

        bot.state = BotState.RUNNING
        run_candles(bot, 300)
        for trade in source:
            ours = Trade.objects.get(bot=bot.bot, trade_id=trade["id"])
            assert not ours.is_open, trade["id"]
            assert ours.exit_reason == "roi"
            sides = list(ours.orders.values_list("ft_order_side", "status"))
            assert sides == [("buy", "closed"), ("sell", "closed")]
    finally:
        runtime.register(None)
