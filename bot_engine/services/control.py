"""Bot state control: start, stop, pause (stopentry/stopbuy) and reload_config (contract §3.10)."""

from __future__ import annotations

import logging

from bot_engine.config.loader import load_config
from bot_engine.engine.rules import TradingRules
from bot_engine.engine.state import BotState, RunningBot
from bot_engine.exceptions import BotOperationError, ConfigError
from bot_engine.services.audit import audited

logger = logging.getLogger(__name__)

STARTING = "starting trader ..."
ALREADY_RUNNING = "already running"
STOPPING = "stopping trader ..."
ALREADY_STOPPED = "already stopped"
RELOADING = "Reloading config ..."
PAUSED_FROM_STOPPED = (
    "starting bot with trader in paused state, no entries will occur. Run /start to enable entries."
)
PAUSED = "paused, no more entries will occur from now. Run /start to enable entries."


def _state(bot: RunningBot) -> dict[str, str]:
    return {"state": bot.state.value}


def _switch_state(
    bot: RunningBot, action: str, target: BotState, *, already: str, done: str
) -> str:
    """Move the bot to ``target`` on the engine thread; ``already`` if it is there."""

    def change() -> str:
        if bot.state == target:
            return already
        bot.state = target
        logger.info("Bot state changed to %s", target.value)
        return done

    return audited(bot, action, change, snapshot=lambda: _state(bot))


def bot_start(*, bot: RunningBot) -> dict[str, str]:
    status = _switch_state(bot, "start", BotState.RUNNING, already=ALREADY_RUNNING, done=STARTING)
    return {"status": status}


def bot_stop(*, bot: RunningBot) -> dict[str, str]:
    status = _switch_state(bot, "stop", BotState.STOPPED, already=ALREADY_STOPPED, done=STOPPING)
    return {"status": status}


def bot_pause(*, bot: RunningBot) -> dict[str, str]:
    """No new entries; open trades are still managed (2026.9 ``paused`` state)."""

    def change() -> str:
        was_stopped = bot.state == BotState.STOPPED
        bot.state = BotState.PAUSED
        logger.info("Bot state changed to paused")
        return PAUSED_FROM_STOPPED if was_stopped else PAUSED

    return {"status": audited(bot, "pause", change, snapshot=lambda: _state(bot))}


def bot_reload_config(*, bot: RunningBot) -> dict[str, str]:
    """Re-read the config file and the rules derived from it, keeping open trades.

    The pair lists edited through the API are reset to the file's (Freqtrade does the same).
    The bot returns to the state it was in, whether the reload worked or not: Freqtrade
    re-applies ``initial_state`` here, which silently restarts a bot stopped in an emergency.
    """

    def change() -> None:
        previous = bot.state
        bot.state = BotState.RELOAD_CONFIG
        try:
            if bot.config.path is not None:
                config = load_config(bot.config.path)
                bot.config = config
                bot.rules = TradingRules.resolve(config, bot.strategy)
                bot.whitelist = list(config.exchange.pair_whitelist)
                bot.blacklist = list(config.exchange.pair_blacklist)
                bot.whitelist_override = False
                logger.info("Config reloaded from %s", config.path)
        except ConfigError as exc:
            logger.error("Reloading the config failed, keeping the old one: %s", exc)
            raise BotOperationError(f"Reloading the config failed: {exc}") from exc
        finally:
            bot.state = previous
            logger.info("Bot state after the reload: %s", previous.value)
        bot.wake()

    audited(bot, "reload_config", change, snapshot=lambda: _config_summary(bot))
    return {"status": RELOADING}


def _config_summary(bot: RunningBot) -> dict:
    """The settings a reload most often changes, for the audit trail's before/after."""
    config = bot.config
    return {
        "strategy": config.strategy,
        "max_open_trades": config.max_open_trades,
        "stake_amount": config.stake_amount,
        "dry_run": config.dry_run,
        "pair_whitelist": list(config.exchange.pair_whitelist),
        "pair_blacklist": list(config.exchange.pair_blacklist),
    }
