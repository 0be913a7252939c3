"""``manage.py test_pairlist`` prints what Freqtrade 2026.9's ``test-pairlist`` printed for the
same chains on the same market (``tests/data/freqtrade/cli/test_pairlist/``, recorded on the
bundled candles as they stand at their end; Tradeplane runs them on the replay exchange)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.fixtures.freqtrade_data import FREQTRADE_DIR

ROOT = Path(__file__).resolve().parents[3]
RECORDED = FREQTRADE_DIR / "cli" / "test_pairlist"
FORMS = {
    "": [],
    "_quotes": ["--quote", "BTC", "USDT"],
    "_one_column": ["-1"],
    "_json": ["--print-json"],
}


def replay_config(tmp_path: Path, case: str, **changes) -> Path:
    """Freqtrade's recorded config for ``case`` on the replay exchange of the bundled candles."""
    config = json.loads((RECORDED / f"config_{case}.json").read_text())
    config["user_data_dir"] = str(ROOT / "user_data")
    config.update(changes)
    config["exchange"]["name"] = "replay"
    config["exchange"]["replay"] = {"speed": 0, "data_exchange": "binance"}
    path = tmp_path / f"config_{case}.json"
    path.write_text(json.dumps(config))
    return path


def run_command(config: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("test_pairlist", "-c", str(config), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("case", ["volume", "filters"])
@pytest.mark.parametrize("form", sorted(FORMS))
def test_output_is_freqtrades(tmp_path, case, form):
    printed = run_command(replay_config(tmp_path, case), *FORMS[form])
    assert printed == (RECORDED / f"{case}{form}.txt").read_text()


def test_the_configs_blacklist_applies(tmp_path):
    config = json.loads((RECORDED / "config_filters.json").read_text())
    exchange = {**config["exchange"], "pair_blacklist": ["X.*/BTC", "LTC/BTC"]}
    path = replay_config(tmp_path, "filters", exchange=exchange)
    printed = json.loads(run_command(path, "--print-json"))
    recorded = json.loads((RECORDED / "filters_json.txt").read_text())
    assert printed == [pair for pair in recorded if pair != "LTC/BTC"]


@pytest.mark.parametrize(
    ("changes", "args", "flag"),
    [
        ({"pairlists": [{"method": "NoSuchPairList"}]}, [], "--config"),
        ({"pairlists": [{"method": "PrecisionFilter"}], "stoploss": None}, [], "--config"),
        ({"user_data_dir": "/no/such/user_data"}, [], "--config"),
        ({}, ["--exchange", "no-such-exchange"], "--exchange"),
    ],
)
def test_bad_input_is_one_line_naming_the_flag(tmp_path, changes, args, flag):
    path = replay_config(tmp_path, "volume", **changes)
    with pytest.raises(CommandError) as raised:
        run_command(path, *args)
    message = str(raised.value)
    assert message.startswith(f"{flag}:") and "\n" not in message


def test_missing_config_names_the_flag(tmp_path):
    with pytest.raises(CommandError, match="^--config: no config at"):
        run_command(tmp_path / "missing.json")
