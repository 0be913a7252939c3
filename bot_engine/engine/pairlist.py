"""The pairs the bot trades: StaticPairList's whitelist minus the blacklist (regexes allowed)."""

from __future__ import annotations

import re
from collections.abc import Iterable


def expand_blacklist(blacklist: Iterable[str], pairs: Iterable[str]) -> list[str]:
    """The pairs matched by any blacklist entry (entries may be regexes such as ``BNB/.*``)."""
    patterns = []
    for entry in blacklist:
        try:
            patterns.append(re.compile(f"^{entry}$"))
        except re.error:
            continue
    return [p for p in pairs if any(pattern.match(p) for pattern in patterns)]


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
