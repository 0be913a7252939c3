"""Blacklist edits at run time (in memory; a config reload resets them) — contract §3.13."""

from __future__ import annotations

from collections.abc import Iterable

from bot_engine.engine import pairlist
from bot_engine.engine.state import RunningBot
from bot_engine.services.audit import audited

ALREADY_LISTED = "Pair {pair} already in pairlist."
INVALID_WILDCARD = "Pair {pair} is not a valid wildcard."
NOT_LISTED = "Pair {pair} is not in the current blacklist."


def blacklist_add(*, bot: RunningBot, pairs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Append new entries (regexes allowed); returns ``errors`` keyed by the refused entry."""
    new = list(pairs)

    def run() -> dict[str, dict[str, str]]:
        errors: dict[str, dict[str, str]] = {}
        for pair in new:
            if pair in bot.blacklist:
                errors[pair] = {"error_msg": ALREADY_LISTED.format(pair=pair)}
            elif not pairlist.is_valid_pattern(pair):
                errors[pair] = {"error_msg": INVALID_WILDCARD.format(pair=pair)}
            else:
                bot.blacklist = [*bot.blacklist, pair]
        bot.whitelist = [
            p
            for p in bot.whitelist
            if p not in pairlist.expand_blacklist(bot.blacklist, bot.whitelist)
        ]
        return errors

    return audited(bot, "blacklist_add", run, target=", ".join(new), snapshot=lambda: _lists(bot))


def _lists(bot: RunningBot) -> dict[str, list[str]]:
    return {"blacklist": list(bot.blacklist)}


def blacklist_remove(*, bot: RunningBot, pairs: Iterable[str]) -> dict[str, dict[str, str]]:
    gone = list(pairs)

    def run() -> dict[str, dict[str, str]]:
        errors: dict[str, dict[str, str]] = {}
        for pair in gone:
            if pair in bot.blacklist:
                bot.blacklist = [p for p in bot.blacklist if p != pair]
            else:
                errors[pair] = {"error_msg": NOT_LISTED.format(pair=pair)}
        return errors

    return audited(
        bot, "blacklist_delete", run, target=", ".join(gone), snapshot=lambda: _lists(bot)
    )
