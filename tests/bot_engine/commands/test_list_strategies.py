"""``manage.py list_strategies`` prints what Freqtrade 2026.9's ``list-strategies`` printed on the
same folders (``tests/data/freqtrade/cli/list/``, made by its ``record.sh``)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.fixtures.commands import command_output, one_line_error
from tests.fixtures.freqtrade_data import FREQTRADE_DIR

RECORDED = FREQTRADE_DIR / "cli" / "list"
REPO = FREQTRADE_DIR.parent.parent.parent
TEST_STRATEGIES = REPO / "tests" / "data" / "strategies"
BACKTEST_STRATEGIES = FREQTRADE_DIR / "backtest" / "strategies"
SYNTAX_ERROR = (
    "from freqtrade.strategy import IStrategy\n\n\nclass SyntaxBroken(IStrategy:\n    pass\n"
)


@pytest.fixture(scope="module")
def strategy_folders(tmp_path_factory) -> dict[str, Path]:
    """record.sh's folders: a user_data with the repo's strategies, and a strategy folder with
    two broken files, a subclass, a duplicate name and a subfolder."""
    root = tmp_path_factory.mktemp("list_strategies")
    user_data = root / "user_data"
    shutil.copytree(REPO / "user_data" / "strategies", user_data / "strategies")
    strats = root / "strats"
    (strats / "template").mkdir(parents=True)
    for name in ("broken_import.py", "freqtrade_style.py", "derived.py"):
        shutil.copy(TEST_STRATEGIES / name, strats / name)
    shutil.copy(TEST_STRATEGIES / "freqtrade_template" / "sample_strategy.py", strats / "template")
    (strats / "syntax_error.py").write_text(SYNTAX_ERROR)
    return {"user_data": user_data, "strats": strats}


def list_strategies(*args: str) -> str:
    return command_output("list_strategies", *args)


def recorded(name: str) -> str:
    return (RECORDED / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("fixture", "args"),
    [
        ("strategies.txt", []),
        ("strategies-one-column.txt", ["-1"]),
        ("strategies-backtest-path.txt", ["--strategy-path", str(BACKTEST_STRATEGIES)]),
        ("strategies-mixed.txt", ["--strategy-path", "{strats}"]),
        (
            "strategies-mixed-recursive.txt",
            ["--strategy-path", "{strats}", "--recursive-strategy-search"],
        ),
        (
            "strategies-mixed-recursive-one-column.txt",
            ["--strategy-path", "{strats}", "--recursive-strategy-search", "-1"],
        ),
    ],
)
def test_list_strategies_output_is_freqtrades(strategy_folders, fixture, args):
    args = [arg.format(strats=strategy_folders["strats"]) for arg in args]
    out = list_strategies("--userdir", str(strategy_folders["user_data"]), *args)
    assert out == recorded(fixture)


def test_a_changed_strategy_changes_the_table(strategy_folders, tmp_path):
    """The table is read from the files, not canned: one more buy parameter shows."""
    user_data = tmp_path / "user_data"
    shutil.copytree(strategy_folders["user_data"], user_data)
    path = user_data / "strategies" / "sample_strategy.py"
    text = path.read_text()
    path.write_text(text.replace("    buy_rsi = ", "    buy_extra = buy_rsi = ", 1))
    output = list_strategies("--userdir", str(user_data))
    assert output != recorded("strategies.txt")
    assert (
        "│   SampleStrategy │    sample_strategy.py │     OK │          Yes │          2 │"
        in output
    )


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--strategy-path", "/no/such/folder"], "--strategy-path"),
        (["--userdir", "/no/such/folder"], "--userdir"),
        (["--config", "/no/such/config.json"], "--config"),
    ],
)
def test_bad_input_is_one_error_naming_the_flag(args, flag):
    assert one_line_error("list_strategies", *args).startswith(f"{flag}: ")


def test_a_config_that_does_not_load_is_an_error(tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"max_open_trades": 3,')
    assert one_line_error("list_strategies", "--config", str(config)).startswith("--config: ")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_status_is_coloured_as_freqtrades(strategy_folders):
    out = Terminal()
    args = [
        "--userdir",
        str(strategy_folders["user_data"]),
        "--strategy-path",
        str(strategy_folders["strats"]),
    ]
    call_command("list_strategies", *args, stdout=out, stderr=io.StringIO())
    assert out.getvalue() == recorded("strategies-mixed-terminal.txt")
    plain = Terminal()
    call_command("list_strategies", *args, "--no-color", stdout=plain, stderr=io.StringIO())
    assert plain.getvalue() == recorded("strategies-mixed.txt")


def test_the_folders_come_from_a_utility_config(strategy_folders, tmp_path):
    """As in Freqtrade, a config without the keys only trading needs is enough."""
    config = tmp_path / "config.json"
    config.write_text(
        '{{"user_data_dir": "{ud}", "strategy_path": "{strats}"}}'.format(
            ud=strategy_folders["user_data"], strats=strategy_folders.get("strats", "")
        )
    )
    assert list_strategies("--config", str(config)) == recorded("strategies-mixed.txt")
