"""``manage.py runbot`` as a user runs it: config errors, first start, kill -9 and restart."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot_engine.config.reader import TEMPLATE_PATH
from tests.fixtures.engine import BASE_CONFIG, ROOT, merged
from tests.fixtures.runbot import free_port, occupied_port, write_runbot_config

pytestmark = pytest.mark.integration


def runbot(*args: str, cwd: Path, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runbot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def write(path: Path, config: dict) -> Path:
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stake_amount": -1}, "stake_amount: must be a positive number or 'unlimited'"),
        ({"max_open_trades": "many"}, "max_open_trades:"),
        ({"exchange": {"pair_whitelist": "ETH/BTC"}}, "exchange.pair_whitelist:"),
        ({"strategy": "NoSuchStrategy"}, "Strategy 'NoSuchStrategy' not found. Available"),
        (
            {
                "api_server": {
                    "enabled": True,
                    "listen_ip_address": "0.0.0.0",
                    "listen_port": 18080,
                    "username": "freqtrader",
                    "password": "SuperSecret1!",
                    "jwt_secret_key": "x" * 40,
                }
            },
            "api_server.password: is a published example value",
        ),
    ],
)
def test_bad_config_names_the_key_and_exits_non_zero(tmp_path, changes, message):
    config = merged(BASE_CONFIG, {"db_url": f"sqlite:///{tmp_path / 'db.sqlite'}", **changes})
    proc = runbot("--config", str(write(tmp_path / "c.json", config)), cwd=tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert message in out
    assert "Traceback" not in out


def test_missing_config_file_is_a_clear_error(tmp_path):
    proc = runbot("--config", str(tmp_path / "nope.json"), cwd=tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "not found" in out and "Traceback" not in out


def test_a_shorting_strategy_in_spot_mode_is_refused_with_freqtrades_message(tmp_path):
    """Not started with its short signals silently dropped: one line, Freqtrade's words."""
    config = merged(
        BASE_CONFIG,
        {
            "db_url": f"sqlite:///{tmp_path / 'db.sqlite'}",
            "strategy": "ShortInSpotStrategy",
            "strategy_path": str(ROOT / "tests" / "data" / "strategies" / "faulty"),
        },
    )
    proc = runbot("--config", str(write(tmp_path / "c.json", config)), cwd=tmp_path)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0
    message = (
        "Short strategies cannot run in spot markets. Please make sure that this is the correct "
        "strategy and that your trading mode configuration is correct. You can run this "
        "strategy in spot markets by setting `can_short=False` in your strategy. Please note "
        "that short signals will be ignored in that case."
    )
    assert [line for line in out.splitlines() if "Short strategies" in line] == [
        f"CommandError: {message}"
    ]
    assert "Traceback" not in out


def file_mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_first_start_writes_a_config_with_random_credentials(tmp_path):
    user_data = tmp_path / "user_data"
    shutil.copytree(ROOT / "user_data" / "strategies", user_data / "strategies")
    shutil.copytree(ROOT / "user_data" / "data", user_data / "data")
    config_file = user_data / "config.json"
    template_port = json.loads(TEMPLATE_PATH.read_text())["api_server"]["listen_port"]
    # The template's port is made busy, so the test does not depend on whether it is free:
    # the first start writes the config, prints the credentials, and names the busy port.
    with occupied_port(template_port):
        first = runbot(cwd=tmp_path)
        out, _ = first.communicate(timeout=60)
    written = json.loads(config_file.read_text())
    assert written["api_server"]["password"] in out  # the credentials are printed
    assert len(written["api_server"]["jwt_secret_key"]) >= 32
    assert file_mode(config_file) == "0o600"  # secrets not world-readable
    assert first.returncode == 1
    assert busy_port_line(template_port) in out

    # As the message says: another port in the written config, and the bot starts.
    written["api_server"]["listen_port"] = free_port()
    config_file.write_text(json.dumps(written))
    proc = runbot(cwd=tmp_path)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Entered" in line for line in lines):
            lines.append(proc.stdout.readline())
        assert "Entered" in "".join(lines)  # trading on the replay exchange within a minute
        # Password hashes and session keys live in the database: owner-only, WAL files too.
        database = user_data / "tradesv3.sqlite"  # the default database, migrated
        files = [database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))]
        assert modes_while_open(files) == dict.fromkeys((f.name for f in files), "0o600")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert file_mode(config_file) == "0o600"


def modes_while_open(files: list[Path], timeout: float = 10) -> dict[str, str]:
    """The files' modes, read while all exist: SQLite removes -wal/-shm whenever the last
    connection closes (the engine recycles its connection now and then)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return {path.name: file_mode(path) for path in files}
        except FileNotFoundError:
            assert time.monotonic() < deadline, [p.name for p in files if not p.exists()]
            time.sleep(0.05)


def busy_port_line(port: int) -> str:
    return f"api_server.listen_port: cannot listen on 127.0.0.1:{port}: the port is already in use"


def test_a_busy_api_port_is_one_line_naming_listen_port(tmp_path):
    with occupied_port() as port:
        path = write_runbot_config(tmp_path)
        config = json.loads(path.read_text())
        config["api_server"]["listen_port"] = port
        proc = runbot("--config", str(write(path, config)), cwd=tmp_path)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    problems = [line for line in out.splitlines() if " - WARNING - " not in line]
    assert problems == [f"CommandError: {busy_port_line(port)}; stop the program using it or "
                        f"set another port in {path}"]  # fmt: skip
    assert "Traceback" not in out
    assert "Entered" not in out  # nothing traded before the start failed


@pytest.mark.parametrize("existing_mode", [None, 0o644], ids=["new", "old-0644"])
def test_migrate_leaves_the_database_owner_only(tmp_path, existing_mode):
    """``make run`` migrates before runbot: that creates the file (or tightens an old one)."""
    db = tmp_path / "fresh.sqlite"
    if existing_mode is not None:  # written world-readable by an earlier version
        sqlite3.connect(db).close()
        db.chmod(existing_mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRADEPLANE_")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput"],
        cwd=tmp_path,
        env={**env, "TRADEPLANE_DB_URL": f"sqlite:///{db}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from bot_engine_bot").fetchone() == (0,)
    assert file_mode(db) == "0o600"


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db, timeout=30) as conn:
        trades = conn.execute("select count(*) from bot_engine_trade").fetchone()[0]
        closed = conn.execute("select count(*) from bot_engine_trade where not is_open")
        return trades, closed.fetchone()[0]


def wait_for_trades(db: Path, at_least: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if db.exists() and counts(db)[0] >= at_least:
                return
        except sqlite3.OperationalError:
            pass  # tables not migrated yet
        time.sleep(0.2)
    raise AssertionError(f"fewer than {at_least} trades after {timeout} s")


def check_consistency(db: Path) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        trades = conn.execute(
            "select id, trade_id, pair, is_open, open_date, close_profit_abs from bot_engine_trade"
        ).fetchall()
        ids = [t[1] for t in trades]
        assert sorted(ids) == list(range(1, len(ids) + 1))  # no duplicate, no gap
        open_pairs = [t[2] for t in trades if t[3]]
        assert len(open_pairs) == len(set(open_pairs))  # never two positions in one pair
        for pk, trade_id, _pair, is_open, _, profit in trades:
            sides = sorted(
                r[0]
                for r in conn.execute(
                    "select ft_order_side from bot_engine_order where trade_id = ? and status = "
                    "'closed'",
                    (pk,),
                )
            )
            assert sides == (["buy"] if is_open else ["buy", "sell"]), trade_id
            assert (profit is None) == bool(is_open)
        orphans = conn.execute(
            "select count(*) from bot_engine_order o left join "
            "bot_engine_trade t on o.trade_id = t.id where t.id is null"
        )
        assert orphans.fetchone()[0] == 0
    return trades


def test_kill_9_and_restart_loses_and_duplicates_nothing(tmp_path):
    db = tmp_path / "crash.sqlite"
    config = merged(
        BASE_CONFIG,
        {
            "db_url": f"sqlite:///{db}",
            "max_open_trades": 2,
            "exchange": {"pair_whitelist": ["ETH/BTC", "XLM/BTC", "ADA/BTC"]},
        },
    )
    path = write(tmp_path / "c.json", config)
    seen: dict[int, tuple] = {}
    for round_ in range(3):
        proc = runbot("--config", str(path), cwd=tmp_path)
        wait_for_trades(db, at_least=len(seen) + 2)
        time.sleep(0.05 * round_)  # land the kill at different points of the loop
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        trades = check_consistency(db)
        current = {t[1]: (t[2], t[4]) for t in trades}
        assert {k: current[k] for k in seen} == seen  # earlier trades survive unchanged
        seen = current
    # A clean stop after the crashes: SIGTERM ends it with exit code 0.
    proc = runbot("--config", str(path), cwd=tmp_path)
    wait_for_trades(db, at_least=len(seen) + 1)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Resuming" in out or "stopped" in out
    check_consistency(db)


@pytest.mark.integration
def test_api_start_reads_the_closed_trades_in_the_background(tmp_path):
    """FreqUI's first /profit does not wait for the closed-trade read: runbot does it at start."""
    import re

    from tests.fixtures.runbot import runbot_process

    db_url = f"sqlite:///{tmp_path / 'trades.sqlite'}"
    env = {**os.environ, "TRADEPLANE_DB_URL": db_url}
    source = ROOT / "tests" / "data" / "freqtrade" / "tradesv3-2k.sqlite"
    imported = subprocess.run(
        [sys.executable, "manage.py", "import_freqtrade", str(source), "--bot-name", "warm"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    with runbot_process(tmp_path, db_url=db_url, bot_name="warm", initial_state="stopped") as bot:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"(\d+) closed trades cached", bot.log())):
            assert time.monotonic() < deadline, bot.log()[-2000:]
            time.sleep(0.2)
    assert int(found.group(1)) > 1900
