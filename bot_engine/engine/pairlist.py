"""The pairs the bot trades: its config's pairlist chain (``bot_engine/pairlists``) refreshed
every iteration, minus the blacklist (regexes allowed)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot_engine.config.model import BotConfig
from bot_engine.data.candles import available_data
from bot_engine.pairlists.base import PairlistContext, blacklisted
from bot_engine.pairlists.chain import PairlistChain

if TYPE_CHECKING:
    from bot_engine.engine.state import RunningBot


def expand_blacklist(blacklist: Iterable[str], pairs: Iterable[str]) -> list[str]:
    """The pairs matched by any blacklist entry (entries may be regexes such as ``BNB/.*``)."""
    return blacklisted(pairs, blacklist)


def is_valid_pattern(entry: str) -> bool:
    try:
        re.compile(entry)
    except re.error:
        return False
    return True


def active_whitelist(
    whitelist: Iterable[str], blacklist: Iterable[str], markets: Iterable[str], stake: str
) -> list[str]:
    """Whitelisted pairs that exist, are quoted in the stake currency and are not blacklisted."""
    known = set(markets)
    candidates = [p for p in dict.fromkeys(whitelist) if p in known and p.endswith(f"/{stake}")]
    banned = set(expand_blacklist(blacklist, candidates))
    return [p for p in candidates if p not in banned]


def refresh_whitelist(bot: RunningBot) -> list[str]:
    """The whitelist for this iteration: the chain's answer (each handler caches for its
    ``refresh_period``); the chain is rebuilt when a reload brought a new config."""
    chain = getattr(bot, "pairlist_chain", None)
    if chain is None or chain.context.config is not bot.config:
        chain = bot.pairlist_chain = build_chain(bot)
    context = chain.context
    context.blacklist = tuple(bot.blacklist)  # /blacklist edits count from the next refresh
    context.stoploss = bot.rules.stoploss
    return chain.refresh()


def build_chain(bot: RunningBot) -> PairlistChain:
    context = PairlistContext(
        exchange=bot.exchange,
        stake_currency=bot.config.stake_currency,
        whitelist=tuple(bot.config.exchange.pair_whitelist),
        blacklist=tuple(bot.blacklist),
        stoploss=bot.rules.stoploss,
        bot_id=bot.bot_id,
        live=True,
        candle_timeframe=bot.timeframe,
        config=bot.config,
    )
    return PairlistChain(bot.config.pairlists, context)


def replay_pairs(config: BotConfig) -> list[str]:
    """The pairs a replay exchange should load: the whitelist, or every stored pair of the
    stake currency when a handler picks pairs from the market (VolumePairList, ...)."""
    dynamic = any(entry.get("method") != "StaticPairList" for entry in config.pairlists[:1])
    if not dynamic and config.exchange.pair_whitelist:
        return list(config.exchange.pair_whitelist)
    stored = {pair for pair, _tf, _ct in available_data(config.data_dir)}
    return sorted(p for p in stored if p.endswith(f"/{config.stake_currency}"))
