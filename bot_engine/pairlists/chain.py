"""A chain of pairlist handlers built from a config's ``pairlists`` (Freqtrade's
PairListManager): the first generates, each next one filters, the blacklist has the last word."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot_engine.exceptions import ConfigError
from bot_engine.pairlists.base import PairlistContext, PairlistHandler, blacklisted
from bot_engine.pairlists.registry import HANDLERS, config_errors

logger = logging.getLogger(__name__)


class PairlistChain:
    """The handlers of one config, and the whitelist they agree on."""

    def __init__(self, pairlists: Sequence[Mapping[str, Any]], context: PairlistContext) -> None:
        errors = config_errors(pairlists)
        if errors:
            raise ConfigError("\n".join(errors))
        self.context = context
        self.handlers: list[PairlistHandler] = [
            HANDLERS[str(entry["method"])](entry, context) for entry in pairlists
        ]

    @property
    def name_list(self) -> list[str]:
        """The handlers' names, in order (``/whitelist``'s ``method``)."""
        return [handler.name for handler in self.handlers]

    @property
    def has_generator_beyond_static(self) -> bool:
        return any(h.is_pairlist_generator and h.name != "StaticPairList" for h in self.handlers)

    def refresh(self) -> list[str]:
        """The whitelist now: each handler caches what its ``refresh_period`` allows."""
        first, *rest = self.handlers
        pairs = first.generate()
        for handler in rest:
            pairs = handler.filter(list(pairs))
        banned = set(blacklisted(pairs, self.context.blacklist))
        return [pair for pair in dict.fromkeys(pairs) if pair not in banned]
