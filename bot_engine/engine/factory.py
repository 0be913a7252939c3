"""Assemble a RunningBot from a config: database row, strategy, exchange, rules, restored orders."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from django.db.models import Max, Min

from bot_engine.config.model import BotConfig
from bot_engine.edge.positioning import EdgePositioning, edge_from_history
from bot_engine.engine import pairlist
from bot_engine.engine.book import TradeBook
from bot_engine.engine.data_provider import attach_data_provider
from bot_engine.engine.rules import TradingRules
from bot_engine.engine.state import BotState, RunningBot
from bot_engine.exceptions import ConfigError
from bot_engine.exchange.base import Exchange, OrderResult
from bot_engine.exchange.dry_run import DryRunExchange
from bot_engine.exchange.replay import ReplayExchange
from bot_engine.models import Bot, Order, Trade
from bot_engine.strategy.loader import load_strategy
from bot_engine.strategy.pandas_options import use_object_strings
from bot_engine.strategy.persistence import BotBinding, bind_bot
from bot_engine.strategy.safe_call import call_strategy

logger = logging.getLogger(__name__)


def strategy_dirs(config: BotConfig) -> list:
    dirs = [config.user_data_dir / "strategies"]
    if config.strategy_path:
        dirs.insert(0, config.strategy_path)
    return dirs


def bot_row(config: BotConfig) -> Bot:
    """The bot's row, created on first start with Freqtrade's bot_start_time rule (§3.4)."""
    bot, _ = Bot.objects.get_or_create(name=config.bot_name)
    if bot.bot_start_time is None:
        first = Trade.objects.for_bot(bot.pk).aggregate(first=Min("open_date"))["first"]
        bot.bot_start_time = first or datetime.now(UTC)
    registry = registry_fields(config)
    for name, value in registry.items():
        setattr(bot, name, value)
    bot.save(update_fields=["bot_start_time", *registry])
    return bot


def registry_fields(config: BotConfig) -> dict:
    """What the control plane's registry knows of a bot, refreshed at every start."""
    api = config.api_server
    host = api.listen_ip_address
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"  # reachable from this machine whatever the bind-all address
    if ":" in host:
        host = f"[{host}]"
    api_url = f"http://{host}:{api.listen_port}" if api.enabled else ""
    return {
        "api_url": api_url,
        # What the bot registered itself, and a fresh secret for the /bots/ proxy's signed
        # client address (api/proxy.py): the proxy sends credentials only to this address.
        "registered_api_url": api_url,
        "proxy_secret": secrets.token_hex(32) if api.enabled else "",
        "stake_currency": config.stake_currency,
        "dry_run": config.dry_run,
        "starting_balance": config.dry_run_wallet if config.dry_run else None,
        "exchange": config.exchange.name,
        "strategy": config.strategy,
        "last_started_at": datetime.now(UTC),
    }


def resume_point(bot: Bot) -> datetime | None:
    """The newest date the bot recorded: a replay restarts there instead of from the start."""
    dates = Trade.objects.for_bot(bot.pk).aggregate(o=Max("open_date"), c=Max("close_date"))
    order = Order.objects.filter(bot_id=bot.pk).aggregate(d=Max("order_date"))["d"]
    candidates = [d for d in (dates["o"], dates["c"], order) if d]
    return max(candidates) if candidates else None


def replay_start(config: BotConfig, resume: datetime | None) -> datetime | None:
    """``exchange.replay.start`` (YYYYMMDD[-HHMM]) or where the bot stopped, whichever is later."""
    configured = None
    if config.exchange.replay.start:
        fmt = "%Y%m%d-%H%M" if "-" in config.exchange.replay.start else "%Y%m%d"
        configured = datetime.strptime(config.exchange.replay.start, fmt).replace(tzinfo=UTC)
    candidates = [d for d in (configured, resume) if d]
    return max(candidates) if candidates else None


def build_exchange(config: BotConfig, timeframe: str, resume: datetime | None) -> Exchange:
    if config.exchange.is_replay:
        if not config.dry_run:
            raise ConfigError("exchange.name: the replay exchange only trades in dry_run mode")
        data = ReplayExchange(
            data_dir=config.data_dir,
            pairs=pairlist.replay_pairs(config),
            timeframe=timeframe,
            speed=config.exchange.replay.speed,
            stake_currency=config.stake_currency,
            start=replay_start(config, resume),
        )
        return DryRunExchange(data, fee=config.exchange.fee)
    from bot_engine.exchange.ccxt_exchange import CcxtExchange

    live = CcxtExchange(config.exchange)
    return DryRunExchange(live, fee=config.exchange.fee) if config.dry_run else live


def build_edge(config: BotConfig, rules: TradingRules) -> EdgePositioning | None:
    """Edge when ``edge.enabled``: its own strategy instance, since it analyses on its thread."""
    if not config.edge.enabled:
        return None
    strategy = load_strategy(config.strategy, config=config.raw, search_dirs=strategy_dirs(config))

    def calculate(pairs, now, fees):
        return edge_from_history(
            config=config.edge,
            strategy=strategy,
            data_dir=config.data_dir,
            pairs=pairs,
            timeframe=rules.timeframe,
            now=now,
            fees=fees,
        )

    return EdgePositioning(
        config.edge,
        calculate,
        fallback_stoploss=rules.stoploss,
        capital_ratio=config.tradable_balance_ratio,
    )


def restore_open_orders(bot: RunningBot) -> None:
    """Dry-run orders live in memory: after a restart, put the open ones back."""
    if not isinstance(bot.exchange, DryRunExchange):
        return
    for order in Order.objects.filter(bot_id=bot.bot_id).open():
        bot.exchange.restore_order(
            OrderResult(
                id=order.order_id,
                symbol=order.ft_pair,
                side=order.side or "buy",
                type=order.order_type or "limit",
                status="open",
                amount=order.ft_amount,
                price=order.price,
                filled=order.filled or 0.0,
                remaining=order.remaining or order.ft_amount,
                timestamp=order.order_date,
            )
        )


def build_running_bot(config: BotConfig) -> RunningBot:
    use_object_strings()
    bot = bot_row(config)
    strategy = load_strategy(config.strategy, config=config.raw, search_dirs=strategy_dirs(config))
    rules = TradingRules.resolve(config, strategy)
    exchange = build_exchange(config, rules.timeframe, resume_point(bot))
    running = RunningBot(
        config=config,
        bot=bot,
        strategy=strategy,
        exchange=exchange,
        timeframe=rules.timeframe,
        rules=rules,
        state=BotState(config.initial_state),
        whitelist=list(config.exchange.pair_whitelist),
        blacklist=list(config.exchange.pair_blacklist),
        startup_time=datetime.now(UTC),
        book=TradeBook(bot.pk),
    )
    running.edge = build_edge(config, rules)
    # Freqtrade's Trade/PairLocks helpers in strategy code read this bot's rows at its clock.
    bind_bot(
        BotBinding(
            bot_id=bot.pk,
            timeframe=rules.timeframe,
            now=exchange.now,
            on_change=running.trades_changed,
        )
    )
    restore_open_orders(running)
    open_count = Trade.objects.for_bot(bot.pk).open().count()
    if open_count:
        logger.info("Resuming %d open trade(s) from the database", open_count)
    attach_data_provider(running)
    call_strategy(strategy, "bot_start", default=None)
    return running
