"""Reading the config file: where it is, JSON with comments and trailing commas, the default."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from bot_engine.exceptions import ConfigError

TEMPLATE_PATH = Path(__file__).with_name("template.json")
DEFAULT_CONFIG = Path("user_data") / "config.json"


def config_path() -> Path:
    """The config file this process serves: ``TRADEPLANE_CONFIG`` (``manage.py --config``),
    else ``user_data/config.json``."""
    return Path(os.environ.get("TRADEPLANE_CONFIG") or DEFAULT_CONFIG)


def read_config_file(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``; comments and trailing commas allowed, as in Freqtrade."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"Config file {path} not found. "
            "Run `python manage.py runbot` without --config to create one."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} could not be read: {exc}") from None
    try:
        data = json.loads(strip_trailing_commas(strip_comments(text)))
    except json.JSONDecodeError as exc:
        # Comments were blanked out in place, so line and column match the file on disk.
        raise ConfigError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a JSON object ({{...}})")
    return data


def strip_comments(text: str) -> str:
    """Blank out ``//`` and ``/* */`` comments outside strings, keeping every newline."""
    out = list(text)
    i, n, in_string = 0, len(text), False
    while i < n:
        char = text[i]
        if in_string:
            if char == "\\":
                i += 1  # skip the escaped character, which may be a quote
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end == -1 else end
            _blank(out, i, end)
            i = end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            _blank(out, i, end)
            i = end
            continue
        i += 1
    return "".join(out)


def strip_trailing_commas(text: str) -> str:
    """Blank out commas directly before ``]`` or ``}`` (outside strings)."""
    out = list(text)
    last_comma, in_string, escaped = -1, False, False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string, last_comma = True, -1
        elif char == ",":
            # a second comma in a row is an error for the JSON parser to report, not to strip
            last_comma = -1 if last_comma >= 0 else i
        elif char in "]}" and last_comma >= 0:
            out[last_comma] = " "
            last_comma = -1
        elif not char.isspace():
            last_comma = -1
    return "".join(out)


def _blank(chars: list[str], start: int, end: int) -> None:
    for j in range(start, end):
        if chars[j] != "\n":
            chars[j] = " "


def write_default_config(path: Path) -> dict[str, Any]:
    """Write the default config with fresh API secrets to ``path`` (mode 0600); never
    overwrites. Returns the written dict."""
    path = Path(path)
    config = json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))
    api = config["api_server"]
    api["password"] = secrets.token_urlsafe(16)
    api["jwt_secret_key"] = secrets.token_hex(32)
    api["ws_token"] = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: refusing to overwrite is atomic, and the secrets are never world-readable.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"Config file {path} already exists; not overwriting it.") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        json.dump(config, handle, indent=4)
        handle.write("\n")
    return config
