"""Freqtrade's backtesting CLI tables, drawn with rich from a result document."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Column, Table

from bot_engine.backtest.report import COIN_DECIMALS

RESULT_COLUMNS = ("Avg Profit %", "Tot Profit {}", "Tot Profit %", "Avg Duration")
WIN_DRAW_LOSS = " Win  Draw  Loss  Win%"
# Wide enough that no table is squeezed: rich then draws each at its natural width.
CONSOLE_WIDTH = 400


# The calendar tables ``--breakdown`` may ask for (Freqtrade's choices).
BREAKDOWN_PERIODS = ("day", "week", "month", "year", "weekday")


def text_report(document: dict[str, Any], breakdown: Iterable[str] = ()) -> str:
    """What ``freqtrade backtesting`` prints on stdout for a result document; ``breakdown``:
    the calendar tables asked for (``day``, ``week``, ``month``, ``year``, ``weekday``)."""
    periods = list(breakdown)
    out: list[str] = []
    for name, block in document["strategy"].items():
        out.append(f"Result for strategy {name}")
        out += strategy_tables(block, periods)
        out.append("")
    comparison = document.get("strategy_comparison") or []
    if comparison:
        # Freqtrade takes the range and trade limit from the last strategy's block.
        last = list(document["strategy"].values())[-1]
        out.append(
            f"Backtested {last['backtest_start']} -> {last['backtest_end']} | "
            f"Max open trades : {last['max_open_trades']}"
        )
        out += _render(strategy_summary(comparison, last["stake_currency"]))
    return "\n".join(out) + "\n"


def strategy_tables(block: dict[str, Any], breakdown: Iterable[str] = ()) -> list[str]:
    """The per-strategy tables, in Freqtrade's order (calendar tables after the tag tables)."""
    stake = block["stake_currency"]
    tables = [
        _result_table("BACKTESTING REPORT", ["Pair", "Trades"], block["results_per_pair"], stake),
        _result_table(
            "LEFT OPEN TRADES REPORT", ["Pair", "Trades"], block["left_open_trades"], stake
        ),
        _result_table(
            "ENTER TAG STATS",
            ["Enter Tag", "Entries"],
            block["results_per_enter_tag"],
            stake,
            key=lambda key: key if key else "OTHER",
        ),
        _result_table(
            "EXIT REASON STATS", ["Exit Reason", "Exits"], block["exit_reason_summary"], stake
        ),
        _result_table(
            "MIXED TAG STATS",
            ["Enter Tag", "Exit Reason", "Trades"],
            block["mix_tag_stats"],
            stake,
        ),
    ]
    tables += [
        periodic_table(block["periodic_breakdown"][period], stake, period) for period in breakdown
    ]
    lines: list[str] = []
    for table in tables:
        lines += _render(table)
    if block["total_trades"]:
        lines += _render(summary_metrics(block))
    else:
        lines.append(no_trades_line(block))
    return lines


def no_trades_line(block: dict[str, Any]) -> str:
    """What Freqtrade prints instead of the summary metrics when nothing traded."""
    stake = block["stake_amount"]
    currency = block["stake_currency"]
    stake_text = coin(stake, currency) if isinstance(stake, int | float) else str(stake)
    return (
        f"No trades made. Your starting balance was "
        f"{coin(block['starting_balance'], currency)}, and your stake was {stake_text}."
    )


def _result_table(
    title: str,
    leading: list[str],
    rows: Iterable[dict[str, Any]],
    stake: str,
    key=lambda key: key,
) -> Table:
    headers = [*leading, *(name.format(stake) for name in RESULT_COLUMNS), WIN_DRAW_LOSS]
    table = Table(*(Column(name, justify="right") for name in headers), title=title)
    for row in rows:
        if len(leading) == 3:  # mixed tags: [enter tag, exit reason], TOTAL alone
            keys = row["key"] if isinstance(row["key"], list) else [row["key"], ""]
            first = [str(part) if part is not None else "" for part in keys]
        else:
            first = [str(key(row["key"]))]
        table.add_row(*first, *_result_cells(row, stake))
    return table


def _result_cells(row: dict[str, Any], stake: str) -> list[str]:
    return [
        str(row["trades"]),
        str(row["profit_mean_pct"]),
        coin(row["profit_total_abs"], stake, keep_zeros=True, name=False),
        str(row["profit_total_pct"]),
        str(row["duration_avg"]),
        win_draw_loss(row["wins"], row["draws"], row["losses"]),
    ]


def periodic_table(rows: Iterable[dict[str, Any]], stake: str, period: str) -> Table:
    """``<PERIOD> BREAKDOWN``: trades, profit, profit factor and win rate per calendar period."""
    # Freqtrade's header here has no leading space: an empty table shows it.
    wdl = WIN_DRAW_LOSS.strip()
    headers = [period.capitalize(), "Trades", f"Tot Profit {stake}", "Profit Factor", wdl]
    table = Table(
        *(Column(name, justify="right") for name in headers), title=f"{period.upper()} BREAKDOWN"
    )
    for row in rows:
        factor = row.get("profit_factor")
        table.add_row(
            str(row["date"]),
            str(row.get("trades", "N/A")),
            coin(row["profit_abs"], stake, name=False),
            "N/A" if factor is None else str(round(factor, 2)),
            win_draw_loss(row["wins"], row["draws"], row.get("losses", row.get("loses", 0))),
        )
    return table


def win_draw_loss(wins: int, draws: int, losses: int) -> str:
    """``  14     0     1  93.3``: counts, then the win rate (100 / 0 without decimals)."""
    if wins > 0 and losses == 0 and draws == 0:
        rate = "100"
    elif wins == 0:
        rate = "0"
    else:
        rate = f"{100.0 / (wins + draws + losses) * wins:.1f}"
    return f"{wins:>4}  {draws:>4}  {losses:>4}  {rate:>4}"


def strategy_summary(rows: list[dict[str, Any]], stake: str) -> Table:
    headers = ["Strategy", "Trades", *(n.format(stake) for n in RESULT_COLUMNS), WIN_DRAW_LOSS]
    table = Table(
        *(Column(name, justify="right") for name in [*headers, "Drawdown"]),
        title="STRATEGY SUMMARY",
    )
    for row in rows:
        drawdown = f"{row['max_drawdown_abs']} {stake}  {row['max_drawdown_account']:.2%}"
        cells = _result_cells(row, stake)
        cells[1] = f"{row['profit_mean_pct']:.2f}"  # two decimals here, as Freqtrade prints it
        table.add_row(str(row["key"]), *cells, drawdown)
    return table


def summary_metrics(block: dict[str, Any]) -> Table:
    """The two-column metrics table."""
    table = Table(Column("Metric"), Column("Value"), title="SUMMARY METRICS")
    for metric, value in metric_rows(block):
        table.add_row(metric, value)
    return table


def metric_rows(block: dict[str, Any]) -> list[tuple[str, str]]:
    stake = block["stake_currency"]

    def money(value: float) -> str:
        return coin(value, stake)

    trades = block["trades"]
    best = max(trades, key=lambda t: t["profit_ratio"]) if trades else None
    worst = min(trades, key=lambda t: t["profit_ratio"]) if trades else None
    mode = block["trading_mode"].capitalize()
    if block.get("margin_mode"):
        mode = f"{block['margin_mode'].capitalize()} {mode}"
    rows = [
        ("Backtesting from", block["backtest_start"]),
        ("Backtesting to", block["backtest_end"]),
        ("Trading Mode", mode),
        ("Max open trades", str(block["max_open_trades"])),
        ("", ""),
        ("Total/Daily Avg Trades", f"{block['total_trades']} / {block['trades_per_day']}"),
        ("Starting balance", money(block["starting_balance"])),
        ("Final balance", money(block["final_balance"])),
        ("Absolute profit", money(block["profit_total_abs"])),
        ("Total profit %", f"{block['profit_total']:.2%}"),
        ("CAGR %", f"{block['cagr']:.2%}"),
        ("Sharpe (closed trades)", f"{block['sharpe']:.2f}"),
        ("Sortino (closed trades)", f"{block['sortino']:.2f}"),
        ("Calmar (closed trades)", f"{block['calmar']:.2f}"),
        ("SQN", f"{block['sqn']:.2f}"),
        ("Mean profit p-value", f"{block['p_value']:.4g}"),
        ("Profit factor", f"{block['profit_factor']:.2f}"),
        (
            "Expectancy (Ratio)",
            f"{block['expectancy']:.2f} ({block['expectancy_ratio']:.2f})",
        ),
        (
            "Avg. daily profit",
            money(block["profit_total_abs"] / max(block["backtest_days"], 1)),
        ),
        ("Avg. stake amount", money(block["avg_stake_amount"])),
        ("Market change", f"{block['market_change']:.2%}"),
        ("Total trade volume", money(block["total_volume"])),
        ("", ""),
    ]
    if block["best_pair"] and block["worst_pair"]:
        rows += [
            ("Best Pair", f"{block['best_pair']['key']} {block['best_pair']['profit_total']:.2%}"),
            (
                "Worst Pair",
                f"{block['worst_pair']['key']} {block['worst_pair']['profit_total']:.2%}",
            ),
        ]
    if best and worst:
        rows += [
            ("Best trade", f"{best['pair']} {best['profit_ratio']:.2%}"),
            ("Worst trade", f"{worst['pair']} {worst['profit_ratio']:.2%}"),
        ]
    rows += [
        ("Best day", money(block["backtest_best_day_abs"])),
        ("Worst day", money(block["backtest_worst_day_abs"])),
        (
            "Days win/draw/lose",
            f"{block['winning_days']} / {block['draw_days']} / {block['losing_days']}",
        ),
        ("Min/Max/Avg. Duration Winners", _holding(block, "winner")),
        ("Min/Max/Avg. Duration Losers", _holding(block, "loser")),
        (
            "Max Consecutive Wins / Loss",
            f"{block['max_consecutive_wins']} / {block['max_consecutive_losses']}",
        ),
        ("Rejected Entry signals", str(block["rejected_signals"])),
        (
            "Entry/Exit Timeouts",
            f"{block['timedout_entry_orders']} / {block['timedout_exit_orders']}",
        ),
    ]
    if block.get("canceled_entry_orders", 0) > 0:
        rows += [
            ("Canceled Trade Entries", str(block["canceled_trade_entries"])),
            ("Canceled Entry Orders", str(block["canceled_entry_orders"])),
            ("Replaced Entry Orders", str(block["replaced_entry_orders"])),
        ]
    rows += [
        ("", ""),
        (
            "Min/Max balance (closed trades)",
            f"{money(block['csum_min'])} / {money(block['csum_max'])}",
        ),
        ("Max % of account underwater", f"{block['max_relative_drawdown']:.2%}"),
        (
            "Absolute drawdown",
            f"{money(block['max_drawdown_abs'])} ({block['max_drawdown_account']:.2%})",
        ),
        ("Drawdown duration", str(block["drawdown_duration"])),
        ("Profit at drawdown start", money(block["max_drawdown_high"])),
        ("Profit at drawdown end", money(block["max_drawdown_low"])),
        ("Drawdown start", str(block["drawdown_start"])),
        ("Drawdown end", str(block["drawdown_end"])),
    ]
    return rows + _wallet_rows(block.get("wallet_stats") or {}, money)


def _wallet_rows(wallet: dict[str, Any], money) -> list[tuple[str, str]]:
    if not wallet:
        return []
    return [
        ("", ""),
        ("Wallet based Metrics", ""),
        (
            "Min/Max balance (wallet balance)",
            f"{money(wallet['low_balance'])} / {money(wallet['high_balance'])}",
        ),
        (
            "Min/Max balance dates (wallet balance)",
            f"{wallet['low_date']} / {wallet['high_date']}",
        ),
        ("Max % of account underwater (balance)", f"{wallet['max_relative_drawdown']:.2%}"),
        (
            "Absolute drawdown (wallet balance)",
            f"{money(wallet['max_drawdown_abs'])} ({wallet['max_drawdown_account']:.2%})",
        ),
        ("Drawdown duration", str(wallet["drawdown_duration"])),
        ("Profit at drawdown start", money(wallet["max_drawdown_high"])),
        ("Profit at drawdown end", money(wallet["max_drawdown_low"])),
        ("Drawdown start", wallet["drawdown_start"]),
        ("Drawdown end", wallet["drawdown_end"]),
        ("Sharpe (daily wallet balance)", f"{wallet['sharpe']:.2f}"),
        ("Sortino (daily wallet balance)", f"{wallet['sortino']:.2f}"),
        ("Calmar (daily wallet balance)", f"{wallet['calmar']:.2f}"),
    ]


def _holding(block: dict[str, Any], side: str) -> str:
    return " / ".join(block[f"{side}_holding_{measure}"] for measure in ("min", "max", "avg"))


def coin(value: float, currency: str, *, keep_zeros: bool = False, name: bool = True) -> str:
    """An amount with the currency's decimals; trailing zeros dropped unless ``keep_zeros``."""
    text = f"{value:.{COIN_DECIMALS.get(currency, 3)}f}"
    if not keep_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {currency}" if name else text


def _render(table: Table) -> list[str]:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=CONSOLE_WIDTH, color_system=None, force_terminal=False, soft_wrap=False
    )
    console.print(table)
    return buffer.getvalue().rstrip("\n").split("\n")
