"""The loader refuses weak API secrets off loopback, warns on loopback, refuses CORS "*"."""

from __future__ import annotations

import json
import logging

import pytest

from bot_engine.config import load_config
from bot_engine.config.policy import GENERATE_SECRET_HINT, WELL_KNOWN_SECRETS
from bot_engine.config.reader import TEMPLATE_PATH
from bot_engine.exceptions import ConfigError

STRONG_PASSWORD = "a-long-random-password-0042"
STRONG_KEY = "9f" * 32


def config(**api) -> dict:
    data = json.loads(TEMPLATE_PATH.read_text())
    strong = {"password": STRONG_PASSWORD, "jwt_secret_key": STRONG_KEY, "ws_token": "tok"}
    data["api_server"].update({"enabled": True, **strong, **api})
    return data


def load(tmp_path, data: dict):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    return load_config(path)


WEAK = [
    ({"password": ""}, "api_server.password: must be at least 12 characters"),
    ({"password": "short-pw"}, "api_server.password: must be at least 12 characters"),
    ({"password": "SuperSecret1!"}, "api_server.password: is a published example value"),
    ({"password": "somethingrandom"}, "api_server.password: is a published example value"),
    ({"jwt_secret_key": "somethingRandomSomethingRandom123"}, "api_server.jwt_secret_key: is a"),
]


@pytest.mark.parametrize(("api", "message"), WEAK)
def test_weak_secrets_refused_beyond_loopback(tmp_path, api, message):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, config(listen_ip_address="0.0.0.0", **api))
    assert any(line.startswith(message) for line in str(info.value).splitlines()), info.value


@pytest.mark.parametrize(("api", "message"), WEAK)
def test_weak_secrets_only_warn_on_loopback(tmp_path, caplog, api, message):
    with caplog.at_level(logging.WARNING, logger="bot_engine.config"):
        load(tmp_path, config(listen_ip_address="127.0.0.1", **api))
    assert message.replace(":", "", 1) in caplog.text


@pytest.mark.parametrize("address", ["127.0.0.1", "0.0.0.0"])
@pytest.mark.parametrize("key", ["", "too-short"])
def test_missing_or_short_jwt_secret_says_how_to_make_one(tmp_path, address, key):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, config(listen_ip_address=address, jwt_secret_key=key))
    assert "api_server.jwt_secret_key: must be at least 32 characters" in str(info.value)
    assert 'python -c "import secrets; print(secrets.token_hex())"' in str(info.value)


def test_strong_secrets_beyond_loopback_start_with_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="bot_engine.config"):
        loaded = load(tmp_path, config(listen_ip_address="0.0.0.0"))
    assert loaded.api_server.listen_ip_address == "0.0.0.0"
    assert "api_server listens on 0.0.0.0, not on localhost" in caplog.text


def test_cors_wildcard_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as info:
        load(tmp_path, config(CORS_origins=["http://localhost:3000", "*"]))
    assert str(info.value).startswith("api_server.CORS_origins: '*' is not allowed")


def test_the_hint_and_examples_are_what_the_docs_show():
    assert "secrets.token_hex()" in GENERATE_SECRET_HINT
    assert {"SuperSecret1!", "somethingrandom", "Freqtrader"} <= WELL_KNOWN_SECRETS
