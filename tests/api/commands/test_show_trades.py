"""``manage.py show_trades`` prints what Freqtrade 2026.9's ``show-trades`` printed for the same
database (``tests/data/freqtrade/cli/show_trades/``), once imported with ``import_freqtrade``."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bot_engine.models import Bot, Order, Trade
from tests.fixtures.freqtrade_data import FREQTRADE_DIR

pytestmark = pytest.mark.django_db

RECORDED = FREQTRADE_DIR / "cli" / "show_trades"
OPEN_DB = FREQTRADE_DIR / "tradesv3-open.sqlite"  # 205 trades written by Freqtrade, 5 open
BOT = "ft-show-trades"


@pytest.fixture(scope="module", autouse=True)
def imported(django_db_setup, django_db_blocker):
    """The recorded database imported once per module (committed), removed after."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("import_freqtrade", str(OPEN_DB), "--bot-name", BOT, "-v", "0", stdout=out)
        assert "trades: 205 imported" in out.getvalue()
    yield
    with django_db_blocker.unblock():
        Bot.objects.filter(name=BOT).delete()


def show_trades(*args: str) -> str:
    out = io.StringIO()
    call_command("show_trades", "--bot-name", BOT, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def recorded(name: str) -> str:
    return (RECORDED / name).read_text()


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((), "open.txt"),
        (("--print-json",), "open.json"),
        (("--trade-ids", "191", "1", "205"), "open_ids.txt"),
        (("--trade-ids", "191", "1", "205", "--print-json"), "open_ids.json"),
        (("--trade-ids", "9999"), "open_none.txt"),
        (("--trade-ids", "9999", "--print-json"), "open_none.json"),
    ],
)
def test_output_is_freqtrades(args, name):
    assert show_trades(*args) == recorded(name)


def test_a_changed_field_shows():
    """The comparison sees one field of one trade or order change (in JSON and in the line)."""
    trade = Trade.objects.get(bot__name=BOT, trade_id=191)
    Trade.objects.filter(pk=trade.pk).update(amount=0.049)
    Order.objects.filter(trade=trade).update(ft_order_tag="changed")
    lines = show_trades("--trade-ids", "191").splitlines()
    assert lines == [recorded("open_ids.txt").splitlines()[1].replace("0.048", "0.049")]
    ours = json.loads(show_trades("--trade-ids", "191", "--print-json"))[0]
    theirs = next(t for t in json.loads(recorded("open_ids.json")) if t["trade_id"] == 191)
    changed = {key for key in theirs if ours[key] != theirs[key]}
    assert changed == {"amount", "orders"}
    assert ours["orders"][0]["ft_order_tag"] == "changed"


def test_short_and_leveraged_trades_are_freqtrades(tmp_path):
    """The same database with two 3x shorts and a 2.5x open trade (``short.sql``)."""
    source = tmp_path / "short.sqlite"
    shutil.copy(OPEN_DB, source)
    with sqlite3.connect(source) as db:
        db.executescript((RECORDED / "short.sql").read_text())
    call_command(
        "import_freqtrade", str(source), "--bot-name", "ft-short", "-v", "0", stdout=io.StringIO()
    )
    for extra, name in (((), "short_ids.txt"), (("--print-json",), "short_ids.json")):
        out = io.StringIO()
        call_command(
            "show_trades",
            "--bot-name",
            "ft-short",
            "--trade-ids",
            "191",
            "204",
            "205",
            *extra,
            stdout=out,
            stderr=io.StringIO(),
        )
        assert out.getvalue() == recorded(name)


def test_config_names_the_bot(tmp_path):
    config = json.loads((FREQTRADE_DIR / "config.json").read_text())
    config["bot_name"] = BOT
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    out = io.StringIO()
    call_command("show_trades", "--config", str(path), "--trade-ids", "1", stdout=out)
    assert out.getvalue() == recorded("open_ids.txt").splitlines(keepends=True)[0]


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--bot-name", BOT, "--trade-ids", "x"), "--trade-ids"),
        (("--bot-name", "no-such-bot"), "--bot-name"),
        (("--config", "/no/such/config.json"), "--config"),
    ],
)
def test_bad_input_is_one_line_naming_the_flag(args, flag):
    with pytest.raises(CommandError) as raised:
        call_command("show_trades", *args, stdout=io.StringIO(), stderr=io.StringIO())
    message = str(raised.value)
    assert message.startswith(f"{flag}:") and "\n" not in message
