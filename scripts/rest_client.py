#!/usr/bin/env python3
"""Standalone client for a Tradeplane (or Freqtrade) REST API; needs only ``requests``.

    python scripts/rest_client.py [--config user_data/config.json] <command> [args...]
    python scripts/rest_client.py help

Server and credentials come from the config's ``api_server`` section (as freqtrade-client does).
Arguments are positional or ``name=value``; the command list mirrors freqtrade-client's.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from pathlib import Path
from typing import Any

import requests

DEFAULT_CONFIG = Path("user_data/config.json")
TIMEOUT = 10


class RestClient:
    def __init__(
        self, server_url: str, username: str | None = None, password: str | None = None
    ) -> None:
        self._url = server_url.rstrip("/")
        self._session = requests.Session()
        if username is not None and password is not None:
            self._session.auth = (username, password)

    def _call(self, method: str, path: str, params: Any = None, data: Any = None) -> Any:
        url = f"{self._url}/api/v1/{path}"
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        try:
            response = self._session.request(
                method, url, params=params, data=json.dumps(data), headers=headers, timeout=TIMEOUT
            )
        except requests.ConnectionError as exc:
            return {"error": f"Connection error: {exc}"}
        try:
            return response.json()
        except ValueError:
            return {"error": f"HTTP {response.status_code}: {response.text[:200]}"}

    def _get(self, path, params=None):
        return self._call("GET", path, params=params)

    def _post(self, path, data=None, params=None):
        return self._call("POST", path, params=params, data=data)

    def _delete(self, path, params=None):
        return self._call("DELETE", path, params=params)

    # control
    def start(self):
        """Start the bot if it's in the stopped state."""
        return self._post("start")

    def stop(self):
        """Stop the bot."""
        return self._post("stop")

    def stopbuy(self):
        """Stop new entries (paused); open trades are still managed."""
        return self._post("stopbuy")

    def reload_config(self):
        """Reload the configuration file."""
        return self._post("reload_config")

    # information
    def ping(self):
        """{"status":"pong"} when the bot is running (reads show_config, like freqtrade-client)."""
        config = self.show_config()
        if isinstance(config, dict) and config.get("state") == "running":
            return {"status": "pong"}
        return {"status": "not_running"}

    def version(self):
        """The bot's version."""
        return self._get("version")

    def show_config(self):
        """The bot's configuration (without secrets)."""
        return self._get("show_config")

    def logs(self, limit=None):
        """The last log lines (limit = how many)."""
        return self._get("logs", params={"limit": limit} if limit else None)

    def sysinfo(self):
        """CPU and RAM usage."""
        return self._get("sysinfo")

    def health(self):
        """Last loop time and bot start times."""
        return self._get("health")

    def balance(self):
        """Account balance."""
        return self._get("balance")

    def count(self):
        """Number of open trades, maximum, total stake."""
        return self._get("count")

    def status(self):
        """All open trades."""
        return self._get("status")

    def trades(self, limit=None, offset=None, order_by_id=True):
        """Closed trades, paged."""
        params: dict[str, Any] = {}
        if limit:
            params["limit"] = limit
        if offset:
            params["offset"] = offset
        if not _truthy(order_by_id):
            params["order_by_id"] = False
        return self._get("trades", params=params)

    def trade(self, trade_id):
        """One trade by id."""
        return self._get(f"trade/{trade_id}")

    def delete_trade(self, trade_id):
        """Delete a trade (cancels its open orders)."""
        return self._delete(f"trades/{trade_id}")

    def cancel_open_order(self, trade_id):
        """Cancel the open order of a trade."""
        return self._delete(f"trades/{trade_id}/open-order")

    def list_open_trades_custom_data(self, key=None, limit=100, offset=0):
        """Custom data of open trades."""
        params = {"limit": limit, "offset": offset, **({"key": key} if key else {})}
        return self._get("trades/open/custom-data", params=params)

    def list_custom_data(self, trade_id, key=None):
        """Custom data of one trade."""
        params = {"trade_id": trade_id, **({"key": key} if key else {})}
        return self._get(f"trades/{trade_id}/custom-data", params=params)

    def profit(self):
        """Profit summary."""
        return self._get("profit")

    def stats(self):
        """Exit reasons and durations."""
        return self._get("stats")

    def performance(self):
        """Profit per pair."""
        return self._get("performance")

    def entries(self, pair=None):
        """Profit per entry tag."""
        return self._get("entries", params={"pair": pair} if pair else None)

    def exits(self, pair=None):
        """Profit per exit reason."""
        return self._get("exits", params={"pair": pair} if pair else None)

    def mix_tags(self, pair=None):
        """Profit per entry tag + exit reason."""
        return self._get("mix_tags", params={"pair": pair} if pair else None)

    def daily(self, days=None):
        """Profit per day."""
        return self._get("daily", params={"timescale": days} if days else None)

    def weekly(self, weeks=None):
        """Profit per week."""
        return self._get("weekly", params={"timescale": weeks} if weeks else None)

    def monthly(self, months=None):
        """Profit per month."""
        return self._get("monthly", params={"timescale": months} if months else None)

    def whitelist(self):
        """The pairs being traded."""
        return self._get("whitelist")

    def blacklist(self, *pairs):
        """Show the blacklist, or add the given pairs to it."""
        if not pairs:
            return self._get("blacklist")
        return self._post("blacklist", data={"blacklist": list(pairs)})

    def locks(self):
        """Active pair locks."""
        return self._get("locks")

    def lock_add(self, pair, until, side="*", reason=""):
        """Lock a pair until a time (e.g. "2030-01-01 00:00:00Z")."""
        return self._post(
            "locks", data=[{"pair": pair, "until": until, "side": side, "reason": reason}]
        )

    def delete_lock(self, lock_id):
        """Remove a lock by id."""
        return self._delete(f"locks/{lock_id}")

    def forcebuy(self, pair, price=None):
        """Buy a pair now (legacy name of forceenter)."""
        return self._post("forcebuy", data={"pair": pair, "price": _number(price)})

    def forceenter(
        self,
        pair,
        side,
        price=None,
        order_type=None,
        stake_amount=None,
        leverage=None,
        enter_tag=None,
    ):
        """Enter a trade now (side: long|short)."""
        data: dict[str, Any] = {"pair": pair, "side": side}
        for key, value in (
            ("price", _number(price)),
            ("ordertype", order_type),
            ("stakeamount", _number(stake_amount)),
            ("leverage", _number(leverage)),
            ("entry_tag", enter_tag),
        ):
            if value:
                data[key] = value
        return self._post("forceenter", data=data)

    def forceexit(self, tradeid, ordertype=None, amount=None):
        """Exit a trade now (tradeid or "all")."""
        return self._post(
            "forceexit",
            data={"tradeid": tradeid, "ordertype": ordertype, "amount": _number(amount)},
        )

    def strategies(self):
        """Available strategies."""
        return self._get("strategies")

    def strategy(self, strategy):
        """A strategy's code and parameters."""
        return self._get(f"strategy/{strategy}")

    def plot_config(self):
        """The strategy's plot configuration."""
        return self._get("plot_config")

    def available_pairs(self, timeframe=None, stake_currency=None):
        """Pairs with stored candle data."""
        return self._get(
            "available_pairs",
            params={"stake_currency": stake_currency or "", "timeframe": timeframe or ""},
        )

    def pair_candles(self, pair, timeframe, limit=None, columns=None):
        """The live analysed candles of a pair (columns: comma-separated list)."""
        if columns is None:
            params = {"pair": pair, "timeframe": timeframe, **({"limit": limit} if limit else {})}
            return self._get("pair_candles", params=params)
        cols = columns.split(",") if isinstance(columns, str) else list(columns)
        data = {
            "pair": pair,
            "timeframe": timeframe,
            "columns": cols,
            **({"limit": limit} if limit else {}),
        }
        return self._post("pair_candles", data=data)

    def pair_history(self, pair, timeframe, strategy, timerange=None, freqaimodel=None):
        """Historic candles analysed by a strategy (timerange YYYYMMDD-YYYYMMDD)."""
        return self._get(
            "pair_history",
            params={
                "pair": pair,
                "timeframe": timeframe,
                "strategy": strategy,
                "freqaimodel": freqaimodel,
                "timerange": timerange or "",
            },
        )

    def pairlists_available(self):
        """Available pairlist handlers (webserver mode)."""
        return self._get("pairlists/available")


def _number(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    return value


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() not in ("false", "0", "no", "off")
    return bool(value)


def commands() -> dict[str, Any]:
    return {
        name: fn
        for name, fn in inspect.getmembers(RestClient, inspect.isfunction)
        if not name.startswith("_")
    }


def print_help() -> None:
    print(__doc__.strip(), "\nCommands:")
    for name, fn in commands().items():
        params = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
        shown = " ".join(
            f"*{p.name}"
            if p.kind is p.VAR_POSITIONAL
            else (p.name if p.default is p.empty else f"[{p.name}={p.default}]")
            for p in params
        )
        print(f"  {name} {shown}".rstrip())
        print(f"      {inspect.getdoc(fn) or ''}")


def load_api_settings(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(
        r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "", text, flags=re.S
    )
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text)).get("api_server", {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-c", "--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("command", nargs="?", default="help")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args(argv)
    available = commands()
    if options.command in ("help", "-h", "--help") or options.command not in available:
        if options.command not in ("help", "-h", "--help"):
            print(f"Unknown command '{options.command}'.\n", file=sys.stderr)
        print_help()
        return 0 if options.command in ("help", "-h", "--help") else 2
    api = load_api_settings(options.config)
    host = api.get("listen_ip_address", "127.0.0.1")
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    client = RestClient(
        f"http://{host}:{api.get('listen_port', 8080)}", api.get("username"), api.get("password")
    )
    positional = [a for a in options.args if "=" not in a]
    named = dict(a.split("=", 1) for a in options.args if "=" in a)
    print(json.dumps(getattr(client, options.command)(*positional, **named), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
