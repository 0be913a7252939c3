"""Config loader: validation messages, old names, comments, overrides, secrets, default file."""

from __future__ import annotations

import copy
import json
import logging
import math
import stat
from pathlib import Path
from typing import Any

import pytest

from bot_engine.config import load_config, redact, write_default_config
from bot_engine.config.loader import peek_config
from bot_engine.config.reader import TEMPLATE_PATH, strip_comments
from bot_engine.config.schema import TIMEFRAMES
from bot_engine.exceptions import ConfigError

SECRET = "hunter2-very-secret-value"
JWT_KEY = "k" * 40


def base_config() -> dict[str, Any]:
    """The template with the secrets a written default config would have."""
    config = json.loads(TEMPLATE_PATH.read_text())
    config["api_server"].update(password="pw", jwt_secret_key=JWT_KEY, ws_token="tok")
    return config


def write(tmp_path: Path, config: dict[str, Any] | str, name: str = "config.json") -> Path:
    path = tmp_path / name
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    return path


def load_errors(tmp_path: Path, config: dict[str, Any] | str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, config))
    return str(info.value).splitlines()


def with_value(dotted_key: str, value: Any) -> dict[str, Any]:
    config = base_config()
    *parents, last = dotted_key.split(".")
    target = config
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value
    return config


def test_template_with_secrets_loads(tmp_path):
    cfg = load_config(write(tmp_path, base_config()))
    assert cfg.bot_name == "tradeplane"
    assert cfg.dry_run is True
    assert cfg.stake_amount == 0.05
    assert cfg.max_open_trades == 3
    assert cfg.exchange.is_replay and cfg.exchange.replay.speed == 600.0
    assert cfg.exchange.pair_whitelist == ("ADA/BTC", "ETH/BTC", "LTC/BTC", "XLM/BTC", "XMR/BTC")
    assert cfg.pairlists == ({"method": "StaticPairList"},)
    assert cfg.api_server.ws_token == ("tok",)
    assert cfg.api_server.CORS_origins == ()
    assert cfg.process_throttle_secs == 5.0
    assert cfg.dry_run_wallet == 1.0 and isinstance(cfg.dry_run_wallet, float)
    assert cfg.order_types["stoploss"] == "market"
    assert cfg.timeframe == "5m" and cfg.minimal_roi is None and cfg.stoploss is None


ERROR_CASES = [
    ("stake_amount", -1, "stake_amount: must be a positive number or 'unlimited'"),
    ("stake_amount", "all", "stake_amount: must be a positive number or 'unlimited'"),
    ("api_server.listen_port", 80, "api_server.listen_port: must be an integer between 1024"),
    ("api_server.listen_port", "8080", "api_server.listen_port: must be an integer between"),
    ("exchange.pair_whitelist", ["ETHBTC"], "exchange.pair_whitelist: must be a list of pairs"),
    ("exchange.pair_whitelist", "ETH/BTC", "exchange.pair_whitelist: must be a list of pairs"),
    ("max_open_trades", -2, "max_open_trades: must be an integer >= -1 (-1 means unlimited)"),
    ("max_open_trades", 2.5, "max_open_trades: must be an integer >= -1"),
    ("pairlists", [{"method": "Nope"}], "pairlists.0.method: unknown pairlist handler 'Nope'"),
    (
        "pairlists",
        [{"method": "VolumePairList", "number_assets": "ten"}],
        "pairlists.0.number_assets: must be a number",
    ),
    (
        "pairlists",
        [{"method": "StaticPairList"}, {"method": "ShuffleFilter", "shuffle_frequency": "day"}],
        "pairlists.1.shuffle_frequency: must be one of 'candle', 'iteration'",
    ),
    (
        "pairlists",
        [{"method": "AgeFilter"}],
        "pairlists.0.method: the first handler must generate a pairlist",
    ),
    ("pairlists", [], "pairlists: must be a non-empty list"),
    ("timeframe", "7m", "timeframe: must be one of 1m, 3m, 5m"),
    ("initial_state", "sleeping", "initial_state: must be one of running, stopped, paused"),
    ("stoploss", 0.1, "stoploss: must be a number >= -1 and < 0"),
    ("stoploss", -1.5, "stoploss: must be a number >= -1 and < 0"),
    ("tradable_balance_ratio", 1.5, "tradable_balance_ratio: must be a number > 0 and <= 1"),
    ("tradable_balance_ratio", 0, "tradable_balance_ratio: must be a number > 0 and <= 1"),
    ("dry_run_wallet", 0, "dry_run_wallet: must be a positive number"),
    ("available_capital", -5, "available_capital: must be a positive number"),
    ("minimal_roi", {"abc": 0.1}, "minimal_roi: must map minutes"),
    ("minimal_roi", {"0": "x"}, "minimal_roi.0: must be a number"),
    ("trading_mode", "futures", "trading_mode: only 'spot' is supported"),
    ("dataformat_ohlcv", "json", "dataformat_ohlcv: only 'feather' is supported"),
    ("dry_run", "yes", "dry_run: must be true or false"),
    ("order_types.entry", "stop", "order_types.entry: must be 'limit' or 'market'"),
    ("order_types.stoploss_on_exchange", 1, "order_types.stoploss_on_exchange: must be true"),
    ("api_server.verbosity", "debug", "api_server.verbosity: must be 'error' or 'info'"),
    ("api_server.ws_token", 5, "api_server.ws_token: must be a string or a list of strings"),
    ("api_server.listen_ip_address", "localhost", "api_server.listen_ip_address: must be an IPv4"),
    ("api_server.jwt_secret_key", "short", "api_server.jwt_secret_key: must be at least 32"),
    ("exchange.replay.speed", -1, "exchange.replay.speed: must be a number >= 0"),
    ("internals.process_throttle_secs", 0, "internals.process_throttle_secs: must be a positive"),
    ("entry_pricing.price_side", "mid", "entry_pricing.price_side: must be one of"),
    ("unfilledtimeout.unit", "hours", "unfilledtimeout.unit: must be 'minutes' or 'seconds'"),
    ("bot_name", 3, "bot_name: must be a string"),  # generic fallback message
    ("timeframe_detail", "7m", "timeframe_detail: must be a timeframe below 'timeframe'"),
    ("fee", 0.5, "fee: must be a fee ratio between 0 and 0.1"),
    ("ignore_buying_expired_candle_after", -1, "ignore_buying_expired_candle_after: must be"),
    ("amend_last_stake_amount", "yes", "amend_last_stake_amount: must be true or false"),
]


@pytest.mark.parametrize(("key", "value", "expected"), ERROR_CASES)
def test_bad_value_names_key_and_problem(tmp_path, key, value, expected):
    lines = load_errors(tmp_path, with_value(key, value))
    assert any(line.startswith(expected) for line in lines), lines


def test_freqtrades_backtesting_keys_are_known(tmp_path, caplog):
    """A Freqtrade backtest config loads without "kept but not used" warnings for the keys the
    backtester reads."""
    config = base_config() | {
        "timeframe_detail": "5m",
        "fee": 0.001,
        "ignore_buying_expired_candle_after": 300,
        "amend_last_stake_amount": True,
        "last_stake_amount_min_ratio": 0.5,
    }
    with caplog.at_level(logging.WARNING):
        load_config(write(tmp_path, config))
    assert "kept but not used" not in caplog.text


def test_bad_value_is_shown_for_non_secret_keys(tmp_path):
    lines = load_errors(tmp_path, with_value("timeframe", "7m"))
    assert lines == [f"timeframe: must be one of {', '.join(TIMEFRAMES)} (got '7m')"]


def test_bad_roi_key_is_named(tmp_path):
    lines = load_errors(tmp_path, with_value("minimal_roi", {"1h": 0.1}))
    assert lines == [
        'minimal_roi: must map minutes (string keys of integers like "0", "30") to profit ratios'
        " (bad key '1h')"
    ]


def test_missing_required_keys(tmp_path):
    config = base_config()
    del config["stake_amount"]
    del config["exchange"]["name"]
    lines = load_errors(tmp_path, config)
    assert lines == ["exchange.name: is required", "stake_amount: is required"]


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == (
        f"Config file {path} not found. "
        "Run `python manage.py runbot` without --config to create one."
    )


def test_invalid_json_reports_line_and_column(tmp_path):
    path = write(tmp_path, '{\n  "dry_run": true,\n  "stake_amount" 0.05\n}')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}: invalid JSON at line 3 column 18: Expecting ':' delimiter"


def test_json_must_be_an_object(tmp_path):
    lines = load_errors(tmp_path, "[1, 2]")
    assert "must be a JSON object" in lines[0]


def test_all_errors_reported_at_once(tmp_path):
    config = base_config()
    config.update(stake_amount=0, timeframe="2m", initial_state="off", max_open_trades="3")
    config["api_server"]["listen_port"] = 99999
    config["pairlists"] = [{"method": "StaticPairList"}, {"method": "FooFilter"}]
    lines = load_errors(tmp_path, config)
    keys = [line.split(":")[0] for line in lines]
    assert keys == sorted(
        [
            "api_server.listen_port",
            "initial_state",
            "max_open_trades",
            "pairlists.1.method",
            "stake_amount",
            "timeframe",
        ]
    )


def test_unlimited_stake_needs_limited_trades(tmp_path):
    lines = load_errors(
        tmp_path, {**base_config(), "stake_amount": "unlimited", "max_open_trades": -1}
    )
    assert lines == ["max_open_trades: cannot be unlimited when stake_amount is 'unlimited'"]


OLD_NAMES_CONFIG = """{
    "forcebuy_enable": false,
    "sell_profit_only": true,
    "use_sell_signal": false,
    "ignore_roi_if_buy_signal": true,
    "bid_strategy": {"price_side": "bid", "ask_last_balance": 0.5},
    "ask_strategy": {"price_side": "ask"},
    "order_types": {"buy": "market", "sell": "market", "forcesell": "limit",
                    "forcebuy": "market", "emergencysell": "limit", "stoploss": "limit"},
    "unfilledtimeout": {"buy": 3, "sell": 4}
}"""


def test_old_key_names_are_mapped(tmp_path, caplog):
    config = {**base_config(), **json.loads(OLD_NAMES_CONFIG)}
    del config["entry_pricing"], config["exit_pricing"], config["force_entry_enable"]
    with caplog.at_level(logging.WARNING):
        cfg = load_config(write(tmp_path, config))
    assert cfg.force_entry_enable is False
    assert cfg.exit_profit_only is True and cfg.use_exit_signal is False
    assert cfg.ignore_roi_if_entry_signal is True
    assert cfg.entry_pricing.price_side == "bid" and cfg.entry_pricing.price_last_balance == 0.5
    assert cfg.exit_pricing.price_side == "ask"
    assert cfg.order_types == {
        "entry": "market",
        "exit": "market",
        "force_exit": "limit",
        "force_entry": "market",
        "emergency_exit": "limit",
        "stoploss": "limit",
        "stoploss_on_exchange": False,
    }
    assert (cfg.unfilledtimeout.entry, cfg.unfilledtimeout.exit) == (3, 4)
    assert "forcebuy_enable" not in cfg.raw and cfg.raw["force_entry_enable"] is False
    assert "forcebuy_enable is deprecated; use force_entry_enable" in caplog.text
    assert "order_types.emergencysell is deprecated" in caplog.text


def test_old_and_new_name_together_is_an_error(tmp_path):
    lines = load_errors(tmp_path, {**base_config(), "forcebuy_enable": True})
    assert lines == [
        "forcebuy_enable: old name of 'force_entry_enable'; remove it and keep 'force_entry_enable'"
    ]


def test_comments_and_trailing_commas_accepted(tmp_path):
    text = json.dumps(base_config(), indent=2)
    text = text.replace(
        '"bot_name": "tradeplane",',
        '// a line comment\n  "bot_name": "trade//plane /* not a comment */", /* block\n */',
    )
    text = text.replace('"BNB/.*"', '"BNB/.*", // trailing comma next\n')
    cfg = load_config(write(tmp_path, text))
    assert cfg.bot_name == "trade//plane /* not a comment */"
    assert cfg.exchange.pair_blacklist == ("BNB/.*",)


def test_strip_comments_keeps_strings_and_lines():
    text = '{"a": "x\\"//y", // c\n "b": 1 /* z\n */}'
    stripped = strip_comments(text)
    assert json.loads(stripped) == {"a": 'x"//y', "b": 1}
    assert stripped.count("\n") == text.count("\n") and len(stripped) == len(text)


def test_error_line_numbers_count_comment_lines(tmp_path):
    path = write(tmp_path, '{\n/* one\ntwo */\n"a": 1,,\n}')
    with pytest.raises(ConfigError, match="line 4 column 8"):
        load_config(path)


def test_overrides_applied_before_validation(tmp_path):
    path = write(tmp_path, base_config())
    overrides = {"db_url": "sqlite:///x.sqlite", "strategy": "Other", "dry_run": None}
    cfg = load_config(path, overrides={**overrides, "api_server.listen_port": 9000})
    assert cfg.db_url == "sqlite:///x.sqlite" and cfg.strategy == "Other"
    assert cfg.dry_run is True  # None means "flag not given"
    assert cfg.api_server.listen_port == 9000
    assert cfg.raw["strategy"] == "Other"
    with pytest.raises(ConfigError, match="^stake_amount: must be a positive"):
        load_config(path, overrides={"stake_amount": -3})


def test_conversions(tmp_path):
    config = base_config()
    config.update(
        max_open_trades=20.0,
        minimal_roi={"0": 0.1, "30": 0.05},
        stake_amount="unlimited",
        stoploss=-1,
    )
    config["api_server"]["ws_token"] = ["a", "b"]
    cfg = load_config(write(tmp_path, config))
    assert cfg.max_open_trades == 20 and isinstance(cfg.max_open_trades, int)
    assert cfg.minimal_roi == {0: 0.1, 30: 0.05}
    assert cfg.unlimited_stake
    assert cfg.stoploss == -1.0
    assert cfg.api_server.ws_token == ("a", "b")


def test_infinite_max_open_trades_means_unlimited(tmp_path):
    cfg = load_config(write(tmp_path, base_config()), overrides={"max_open_trades": math.inf})
    assert cfg.max_open_trades == -1


def test_default_paths_next_to_user_data_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "user_data").mkdir()
    cfg = load_config(write(tmp_path / "user_data", base_config()))
    assert cfg.user_data_dir == tmp_path / "user_data"
    assert cfg.db_url == f"sqlite:///{tmp_path}/user_data/tradesv3.sqlite"


def test_default_paths_elsewhere(tmp_path, monkeypatch):
    (tmp_path / "etc").mkdir()
    (tmp_path / "run").mkdir()
    monkeypatch.chdir(tmp_path / "run")
    cfg = load_config(write(tmp_path / "etc", {**base_config(), "dry_run": False}))
    assert cfg.user_data_dir == tmp_path / "run" / "user_data"
    assert cfg.db_url == f"sqlite:///{tmp_path}/run/user_data/tradesv3.sqlite"


def test_relative_user_data_dir_and_db_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = {**base_config(), "user_data_dir": "data/ud", "db_url": "sqlite:///user_data/x.sqlite"}
    cfg = load_config(write(tmp_path, config))
    assert cfg.user_data_dir == tmp_path / "data" / "ud"
    assert cfg.db_url == "sqlite:///user_data/x.sqlite"


SECRET_CASES = [
    ("api_server.password", 12345),
    ("api_server.password", [SECRET]),
    ("api_server.jwt_secret_key", 7),
    ("api_server.ws_token", {"t": SECRET}),
    ("exchange.key", 123456789),
    ("exchange.secret", False),
    ("exchange.ccxt_config", SECRET),
]


@pytest.mark.parametrize(("key", "value"), SECRET_CASES)
def test_secrets_never_in_error_messages(tmp_path, key, value):
    lines = load_errors(tmp_path, with_value(key, value))
    assert lines and lines[0].startswith(f"{key}: must be")
    text = "\n".join(lines)
    assert str(value) not in text and SECRET not in text and "got" not in text


def test_secret_list_item_not_shown(tmp_path):
    lines = load_errors(tmp_path, with_value("api_server.ws_token", [SECRET, 3]))
    assert lines == ["api_server.ws_token: must be a string or a list of strings"]


def test_redact_replaces_every_secret():
    config = base_config()
    config["exchange"].update(key=SECRET, secret=SECRET, password=SECRET, uid=SECRET)
    config["exchange"]["ccxt_config"] = {"apiKey": SECRET, "headers": {"X-Token": SECRET}}
    config["api_server"].update(password=SECRET, jwt_secret_key=SECRET, ws_token=[SECRET])
    config["telegram"] = {"enabled": True, "token": SECRET, "chat_id": "42"}
    original = copy.deepcopy(config)
    redacted = redact(config)
    assert SECRET not in json.dumps(redacted)
    assert redacted["api_server"]["password"] == "REDACTED"
    assert redacted["exchange"]["ccxt_config"]["headers"]["X-Token"] == "REDACTED"
    assert redacted["telegram"]["chat_id"] == "42"
    assert redacted["api_server"]["username"] == "tradeplane"
    assert config == original  # the input is not modified


def test_repr_hides_secrets(tmp_path):
    config = base_config()
    config["exchange"].update(key=SECRET, secret=SECRET)
    config["api_server"]["password"] = SECRET
    assert SECRET not in repr(load_config(write(tmp_path, config)))


def test_write_default_config(tmp_path):
    path = tmp_path / "new" / "user_data" / "config.json"
    written = write_default_config(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == written
    api = written["api_server"]
    assert len(api["password"]) >= 16 and len(api["jwt_secret_key"]) == 64 and api["ws_token"]
    assert (
        write_default_config(tmp_path / "other.json")["api_server"]["password"] != api["password"]
    )
    cfg = load_config(path)
    assert cfg.api_server.password == api["password"]
    assert cfg.user_data_dir == path.parent


def test_write_default_config_refuses_overwrite(tmp_path):
    path = write(tmp_path, "{}")
    with pytest.raises(ConfigError, match="already exists"):
        write_default_config(path)
    assert path.read_text() == "{}"


def test_unknown_key_warns_and_is_kept(tmp_path, caplog):
    config = {**base_config(), "stake_ammount": 1, "telegram": {"enabled": False}}
    config["api_server"]["colour"] = "blue"
    with caplog.at_level(logging.WARNING, logger="bot_engine.config"):
        cfg = load_config(write(tmp_path, config))
    messages = [r.getMessage() for r in caplog.records]
    assert sum("'stake_ammount'" in m for m in messages) == 1
    assert any("Did you mean 'stake_amount'?" in m for m in messages)
    assert any("'api_server.colour'" in m for m in messages)
    assert any("'telegram'" in m for m in messages)
    assert cfg.raw["stake_ammount"] == 1 and cfg.raw["api_server"]["colour"] == "blue"


def test_pairlist_parameters_do_not_warn(tmp_path, caplog):
    config = {**base_config(), "pairlists": [{"method": "StaticPairList", "allow_inactive": True}]}
    with caplog.at_level(logging.WARNING, logger="bot_engine.config"):
        load_config(write(tmp_path, config))
    assert "allow_inactive" not in caplog.text


# peek_config: the settings' read, before Django is set up; it never raises and never logs.


def test_peek_without_a_file_gives_the_defaults(tmp_path):
    cfg = peek_config(tmp_path / "user_data" / "missing.json")
    assert cfg.bot_name == "freqtrade" and cfg.api_server.jwt_secret_key == ""
    assert cfg.db_url == f"sqlite:///{tmp_path / 'user_data' / 'tradesv3.sqlite'}"


def test_peek_of_a_broken_file_gives_the_defaults(tmp_path):
    assert peek_config(write(tmp_path, '{"bot_name": "x",,}')).bot_name == "freqtrade"


def test_peek_drops_only_the_rejected_values(tmp_path, caplog):
    config = base_config()
    config.update(bot_name="peeked", db_url="sqlite:///elsewhere.sqlite", stake_amount="lots")
    config["minimal_roi"] = {"ten": 0.1}
    config["exchange"]["pair_whitelist"] = ["ETH/BTC", "nonsense"]
    config["api_server"].update(listen_port="high", redis_url="redis://cache:6379/0")
    config["forcebuy_enable"] = True
    del config["force_entry_enable"]
    with caplog.at_level(logging.DEBUG):
        cfg = peek_config(write(tmp_path, config))
    assert cfg.bot_name == "peeked" and cfg.db_url == "sqlite:///elsewhere.sqlite"
    assert cfg.stake_amount == "unlimited" and cfg.minimal_roi is None
    assert cfg.exchange.pair_whitelist == ()
    assert cfg.api_server.listen_port == 8080 and cfg.api_server.jwt_secret_key == JWT_KEY
    assert cfg.api_server.redis_url == "redis://cache:6379/0"
    assert cfg.force_entry_enable is True  # old names are read too
    assert caplog.records == []


def test_peek_reads_comments_and_trailing_commas(tmp_path):
    text = '{\n  // the name\n  "bot_name": "commented", /* note */\n  "dry_run": true,\n}'
    assert peek_config(write(tmp_path, text)).bot_name == "commented"
