"""The engine loop: refresh candles, analyse, follow orders, exit, enter; then wait a tick."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

from django.db import close_old_connections, connection

from bot_engine import events, telemetry
from bot_engine.engine import analysis, entries, exits, order_updates, pairlist, position
from bot_engine.engine.data_provider import refresh_informatives
from bot_engine.engine.state import BotState, RunningBot
from bot_engine.exceptions import ExchangeError, TemporaryExchangeError
from bot_engine.services.wallet_history import wallet_history_record
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)

ERROR_BACKOFF_SECS = 5.0
IDLE_SECS = 1.0
CONNECTION_CHECK_SECS = 60.0


class Engine:
    """Runs ``RunningBot`` until ``stop_event`` is set; every change happens on this thread."""

    def __init__(self, bot: RunningBot) -> None:
        self.bot = bot
        self.stop_event = threading.Event()
        self._errors_in_row = 0
        self._last_recycle = time.monotonic()

    def stop(self) -> None:
        self.stop_event.set()
        self.bot.wake()

    def run(self) -> None:
        bot = self.bot
        logger.info(
            "Bot %s started in state %s (%s, strategy %s, timeframe %s)",
            bot.config.bot_name,
            bot.state.value,
            bot.runmode,
            type(bot.strategy).__name__,
            bot.timeframe,
        )
        events.publish({"type": "startup", "status": f"Bot {bot.config.bot_name} started"})
        try:
            while not self.stop_event.is_set():
                bot.run_pending_commands()
                delay = self.step()
                if not self.stop_event.is_set():
                    bot.wait_for_command(delay)
        finally:
            bot.run_pending_commands()
            logger.info("Bot %s stopped", bot.config.bot_name)
            connection.close()

    def step(self) -> float:
        """One iteration; returns how long to wait before the next one."""
        bot = self.bot
        if bot.state not in (BotState.RUNNING, BotState.PAUSED):
            return IDLE_SECS
        self._recycle_connection()
        started = time.perf_counter()
        try:
            self.iteration()
        except TemporaryExchangeError as exc:
            return self._backoff(f"Exchange temporarily unavailable: {exc}", warn=True)
        except ExchangeError as exc:
            return self._backoff(f"Exchange error: {exc}", warn=True)
        except Exception:
            logger.exception("Unexpected error in the bot loop; continuing")
            delay = self._backoff(None, warn=False)
            # Past this candle all the same: retrying it would fail the same way forever and
            # freeze a speed-0 replay (an exchange error above retries: that data may come).
            self._advance_clock()
            return delay
        finally:
            telemetry.observe_loop(bot=bot.config.bot_name, seconds=time.perf_counter() - started)
        self._errors_in_row = 0
        return self._advance_clock()

    def _recycle_connection(self) -> None:
        """Drop a broken or too-old DB connection now and then (never per candle: too slow)."""
        if time.monotonic() - self._last_recycle > CONNECTION_CHECK_SECS:
            self._last_recycle = time.monotonic()
            if not connection.in_atomic_block:
                close_old_connections()

    def _backoff(self, message: str | None, *, warn: bool) -> float:
        self._errors_in_row += 1
        if message and warn:
            logger.warning(message)
        return min(ERROR_BACKOFF_SECS * self._errors_in_row, 60.0)

    def _advance_clock(self) -> float:
        bot = self.bot
        exchange = bot.exchange
        if exchange.finished:
            if not bot.replay_finished:
                bot.replay_finished = True
                logger.info(
                    "Replay finished: the candle data ends at %s. No new trades will be "
                    "entered; the bot stays up for the API.",
                    exchange.now(),
                )
            return max(IDLE_SECS, bot.config.process_throttle_secs)
        exchange.advance()
        return exchange.next_tick_delay(bot.config.process_throttle_secs)

    def iteration(self) -> None:
        bot = self.bot
        now = bot.exchange.now()
        if bot.whitelist_override:
            bot.whitelist = pairlist.active_whitelist(
                bot.whitelist, bot.blacklist, bot.exchange.markets(), bot.config.stake_currency
            )
        else:  # the config's pairlist chain (each handler honours its refresh_period)
            bot.whitelist = pairlist.refresh_whitelist(bot)
        bot.book.refresh()
        if bot.edge is not None and bot.edge.due():  # runs on its own thread (edge/)
            pairs = bot.config.exchange.pair_whitelist
            bot.edge.refresh(pairs=pairs, now=now, fees={p: bot.exchange_fee(p) for p in pairs})
        # Freqtrade calls it every iteration before analysing; the bot's clock, not the wall
        # clock, so a replay sees its own time.
        call_strategy(
            bot.strategy,
            "bot_loop_start",
            default=None,
            candle=analysis.current_candle(bot),
            current_time=now,
        )
        refresh_informatives(bot)
        for pair in dict.fromkeys([*bot.whitelist, *sorted(bot.book.open_pairs())]):
            analysis.refresh_pair(bot, pair)
            try:
                bot.tickers[pair] = bot.exchange.fetch_ticker(pair)
            except ExchangeError as exc:
                logger.warning("No price for %s: %s", pair, exc)
        # The wallet at the day's first iteration, for /historic_balance (then a dict lookup).
        wallet_history_record(
            bot_id=bot.bot_id, config=bot.config, now=now, rates=bot.current_rates()
        )
        order_updates.handle_open_orders(bot, now)
        exits.handle_exits(bot, now)
        position.handle_adjustments(bot, now)  # after the exits, before entries (Freqtrade)
        if bot.state == BotState.RUNNING and not bot.exchange.finished:
            entries.handle_entries(bot, now)
        bot.last_process = datetime.now(UTC)


def run_in_thread(engine: Engine) -> threading.Thread:
    thread = threading.Thread(target=engine.run, name="bot-engine", daemon=True)
    engine.bot.attach_engine_thread(thread)
    thread.start()
    return thread


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` (used by tests and the benchmark)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
