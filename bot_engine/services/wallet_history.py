"""The wallet's daily history (``/historic_balance``): recorded by the engine as it trades, and
rebuilt from the trades for the days before recording began.

Recording: the first engine iteration of each day (the bot's clock, so a replay records its own
days) stores the wallet as ``/balance`` shows it, one row per coin, at that day's 00:00 UTC.

Rebuilding, vectorised (Freqtrade rebuilds it at start-up, trade by trade: minutes at 100k
trades; here it is done once, on the first ``/historic_balance`` request, in about a second):
the stake coin at a day's 00:00 is the starting wallet plus the profit of the trades closed by
then, minus the stakes of the trades open at that moment; each open trade's coins are valued at
that day's first stored candle's open (the trade's own open rate where no candle is stored).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime

import numpy as np
import pandas as pd
from django.db import DatabaseError, transaction

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import available_data, load_candles
from bot_engine.data.timeframes import timeframe_to_seconds
from bot_engine.engine.wallet import stake_wallet
from bot_engine.models import WalletCapture, WalletHistory
from bot_engine.selectors.balance import balance_summary
from bot_engine.selectors.columns import NAT, datetime_to_us

logger = logging.getLogger(__name__)

DAY_US = 86_400_000_000
# (bot id, its config object) -> the last day this process saw recorded. The config object
# tells a bot built anew (a restart in-process, a test's fresh database) from the one recorded.
_recorded_day: dict[tuple[int, int], datetime] = {}


def day_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def wallet_history_record(
    *, bot_id: int, config: BotConfig, now: datetime, rates: Mapping[str, float | None]
) -> bool:
    """Store the wallet for ``now``'s day unless that day has rows already; True if stored.

    Called by the engine every iteration: after the first call of a day it is a dict lookup.
    """
    day = day_start(now)
    key = (bot_id, id(config))
    if _recorded_day.get(key) == day:
        return False
    try:
        stored = _record_day(bot_id=bot_id, config=config, day=day, now=now, rates=rates)
    except DatabaseError:
        logger.exception("Wallet history for %s not recorded; retried next iteration", day.date())
        return False
    _recorded_day[key] = day
    return stored


def _record_day(*, bot_id: int, config: BotConfig, day: datetime, now: datetime, rates) -> bool:
    with transaction.atomic():
        WalletCapture.objects.get_or_create(bot_id=bot_id, defaults={"started_at": now})
        if WalletHistory.objects.filter(bot_id=bot_id, timestamp=day).exists():
            return False
        summary = balance_summary(bot_id=bot_id, config=config, current_rates=rates)
        stake = config.stake_currency
        WalletHistory.objects.bulk_create(
            WalletHistory(
                bot_id=bot_id,
                timestamp=day,
                currency=coin.currency,
                quote_currency=stake,
                rate=1.0 if coin.currency == stake else _rate(coin.est_stake, coin.balance),
                balance=coin.balance,
                total_quote=coin.est_stake if coin.est_stake or coin.currency == stake else None,
            )
            for coin in summary.currencies
        )
    return True


def _rate(value: float, balance: float) -> float | None:
    return value / balance if value and balance else None


def wallet_history_rebuild(
    *, bot_id: int, config: BotConfig, now: datetime, bot_start: datetime | None = None
) -> int:
    """Rebuild, once per bot, the days before recording began (through ``now``'s day when
    nothing was recorded yet); days that hold rows are left alone. Returns rows written."""
    if bot_id < 0:
        return 0
    capture, _ = WalletCapture.objects.get_or_create(bot_id=bot_id, defaults={"started_at": now})
    if capture.reconstructed_at is not None:
        return 0
    columns = _trade_columns(bot_id)
    first = [us for us in (columns["open_us"][:1].tolist()) if us != NAT]
    if bot_start is not None:
        first.append(datetime_to_us(bot_start))
    written = 0
    if first:
        last = min(day_start(capture.started_at), day_start(now))
        days = np.arange(_floor_day(min(first)), datetime_to_us(last) + 1, DAY_US, dtype=np.int64)
        recorded = set(
            WalletHistory.objects.filter(bot_id=bot_id).values_list("timestamp", flat=True)
        )
        days = days[~np.isin(days, [datetime_to_us(d) for d in recorded])]
        rows = _rebuilt_rows(bot_id, config, columns, days)
        WalletHistory.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        written = len(rows)
    WalletCapture.objects.filter(pk=capture.pk).update(reconstructed_at=now)
    return written


def _floor_day(us: int) -> int:
    return us - us % DAY_US


def _trade_columns(bot_id: int) -> dict[str, np.ndarray]:
    from bot_engine.selectors.columns import trade_columns

    fields = ["pair", "open_date", "close_date", "amount", "stake_amount", "close_profit_abs"]
    raw = trade_columns(bot_id, fields, is_open=None)
    order = np.argsort(raw["open_date"], kind="stable")
    return {
        "pair": raw["pair"][order].astype(str),
        "open_us": raw["open_date"][order],
        "close_us": np.where(
            raw["close_date"][order] == NAT, np.iinfo(np.int64).max, raw["close_date"][order]
        ),
        "amount": raw["amount"][order],
        "stake": raw["stake_amount"][order],
        "profit": np.nan_to_num(raw["close_profit_abs"][order]),
        "open_rate": np.divide(
            raw["stake_amount"][order],
            raw["amount"][order],
            out=np.zeros(len(order)),
            where=raw["amount"][order] > 0,
        ),
    }


def _rebuilt_rows(
    bot_id: int, config: BotConfig, t: dict[str, np.ndarray], days: np.ndarray
) -> list[WalletHistory]:
    if len(days) == 0:
        return []
    stake = config.stake_currency
    wallet = stake_wallet(bot_id, config)
    start = wallet.free - wallet.closed_profit - wallet.realized_open + wallet.open_stakes
    # Profit of the trades closed by each day's midnight: a running sum over close dates.
    closed = t["close_us"] != np.iinfo(np.int64).max
    by_close = np.argsort(t["close_us"][closed], kind="stable")
    close_us = t["close_us"][closed][by_close]
    profit_cum = np.concatenate([[0.0], np.cumsum(t["profit"][closed][by_close])])
    cash = start + profit_cum[np.searchsorted(close_us, days, side="right")]
    # Trades open at a midnight: day indices [first midnight at/after open, first at/after close).
    lo = np.searchsorted(days, t["open_us"], side="left")
    hi = np.searchsorted(days, t["close_us"], side="left")
    spans = np.maximum(hi - lo, 0)
    trade_idx = np.repeat(np.arange(len(spans)), spans)
    day_idx = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans) + lo[trade_idx]
    np.subtract.at(cash, day_idx, t["stake"][trade_idx])
    held = pd.DataFrame(
        {"day": day_idx, "pair": t["pair"][trade_idx], "amount": t["amount"][trade_idx]}
    )
    held["rate"] = _day_rates(config, held, days, t["open_rate"][trade_idx])
    held["value"] = held["amount"] * held["rate"]
    held["coin"] = held["pair"].str.split("/").str[0]
    coins = held.groupby(["day", "coin"], sort=True).agg(
        amount=("amount", "sum"), value=("value", "sum")
    )
    stamps = pd.to_datetime(days, unit="us", utc=True)
    rows = [
        WalletHistory(
            bot_id=bot_id,
            timestamp=stamps[i].to_pydatetime(),
            currency=stake,
            quote_currency=stake,
            rate=1.0,
            balance=float(cash[i]),
            total_quote=float(cash[i]),
            reconstructed=True,
        )
        for i in range(len(days))
    ]
    rows.extend(
        WalletHistory(
            bot_id=bot_id,
            timestamp=stamps[day].to_pydatetime(),
            currency=coin,
            quote_currency=stake,
            rate=value / amount if amount else None,
            balance=amount,
            total_quote=value,
            reconstructed=True,
        )
        for (day, coin), amount, value in zip(
            coins.index, coins["amount"].to_numpy(), coins["value"].to_numpy(), strict=True
        )
    )
    return rows


def _day_rates(
    config: BotConfig, held: pd.DataFrame, days: np.ndarray, fallback: np.ndarray
) -> np.ndarray:
    """Each held row's rate at its midnight: the open of the pair's first stored candle at or
    after it (within a day), else the trade's open rate."""
    rates = fallback.astype(float).copy()
    stored = _stored_timeframes(config)
    for pair, rows in held.groupby("pair").groups.items():
        if pair not in stored:
            continue
        candles = load_candles(config.data_dir, pair, stored[pair])
        dates = candles["date"].to_numpy(dtype="datetime64[us]").view(np.int64)
        opens = candles["open"].to_numpy(dtype=float)
        at = days[held.loc[rows, "day"].to_numpy()]
        found = np.searchsorted(dates, at, side="left")
        usable = found < len(dates)
        usable[usable] &= dates[found[usable]] - at[usable] < DAY_US
        positions = held.index.get_indexer(rows)
        rates[positions[usable]] = opens[found[usable]]
    return rates


def _stored_timeframes(config: BotConfig) -> dict[str, str]:
    """Per stored pair: the config's timeframe if stored, else its shortest stored one (a
    webserver-mode config may leave the timeframe to the strategy)."""
    chosen: dict[str, str] = {}
    for pair, timeframe, candle_type in available_data(config.data_dir):
        if candle_type != "spot":
            continue
        if pair not in chosen or (
            chosen[pair] != config.timeframe
            and (
                timeframe == config.timeframe
                or timeframe_to_seconds(timeframe) < timeframe_to_seconds(chosen[pair])
            )
        ):
            chosen[pair] = timeframe
    return chosen
