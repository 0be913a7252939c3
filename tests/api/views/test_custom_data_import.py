"""``manage.py import_freqtrade`` copies Freqtrade's trade_custom_data, and the API serves it."""

from __future__ import annotations

import io
import shutil
import sqlite3

import pytest
from django.core.management import call_command

from api.views.trades import custom_data_body
from bot_engine.models import Bot, Trade
from bot_engine.selectors.custom_data import open_trades_custom_data, trade_custom_data
from tests.fixtures.freqtrade_data import FREQTRADE_DIR

pytestmark = pytest.mark.django_db

ROWS = [  # as Freqtrade 2026.9 writes them (naive UTC dates, plain types as text, JSON else)
    (1, 191, "fills", "int", "2", "2024-05-01 10:00:00.123456", "2024-05-01 10:05:00"),
    (2, 191, "plan", "dict", '{"target": 0.05, "steps": [1, 2]}', "2024-05-01 10:00:00", None),
    (3, 197, "Flag", "bool", "True", "2024-05-02 11:00:00", None),
    (4, 3, "note", "str", "closed one", "2024-01-01 00:00:00", None),
]


def run(source) -> str:
    out = io.StringIO()
    call_command("import_freqtrade", str(source), "--bot-name", "ft", stdout=out)
    return out.getvalue()


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "tradesv3.sqlite"
    shutil.copy(FREQTRADE_DIR / "tradesv3-open.sqlite", path)
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO trade_custom_data VALUES (?, ?, ?, ?, ?, ?, ?)", ROWS)
    return path


def test_import_copies_custom_data_once(source):
    out = run(source)
    assert "custom data: 4 imported, 0 already present" in out
    bot = Bot.objects.get(name="ft")
    trade = Trade.objects.get(bot=bot, trade_id=191)
    assert trade.get_custom_data("fills") == 2
    assert trade.get_custom_data("PLAN") == {"target": 0.05, "steps": [1, 2]}
    assert Trade.objects.get(bot=bot, trade_id=3).get_custom_data("note") == "closed one"

    found = trade_custom_data(bot_id=bot.pk, trade_id=191)
    assert custom_data_body([found]) == [
        {
            "trade_id": 191,
            "custom_data": [
                {
                    "key": "fills",
                    "type": "int",
                    "value": 2,
                    "created_at": "2024-05-01T10:00:00.123456",
                    "updated_at": "2024-05-01T10:05:00",
                },
                {
                    "key": "plan",
                    "type": "dict",
                    "value": {"target": 0.05, "steps": [1, 2]},
                    "created_at": "2024-05-01T10:00:00",
                    "updated_at": None,
                },
            ],
        }
    ]
    count, items = open_trades_custom_data(bot_id=bot.pk)
    assert count == 5
    assert [item.trade_id for item in items] == [191, 197]

    again = run(source)
    assert "custom data: 0 imported, 4 already present" in again
    assert trade.custom_data.count() == 2
