"""Adding and removing pair locks through the API (contract §3.13)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot_engine.engine import locks
from bot_engine.engine.state import RunningBot
from bot_engine.services.audit import audited


def _active(bot: RunningBot) -> dict[str, list]:
    """Active locks as (id, pair, side, until) rows: the audit trail's before/after."""
    rows = locks.active_locks(bot.bot_id, bot.exchange.now()).order_by("pk")
    return {
        "locks": [
            [pk, pair, side, until.isoformat()]
            for pk, pair, side, until in rows.values_list("pk", "pair", "side", "lock_end_time")
        ]
    }


def locks_add(*, bot: RunningBot, new_locks: Iterable[Mapping[str, Any]]) -> None:
    """Each lock: ``pair``, aware ``until``, ``side`` (default ``*``), ``reason``."""
    items = list(new_locks)

    def run() -> None:
        now = bot.exchange.now()
        for item in items:
            locks.lock_pair(
                bot.bot_id,
                item["pair"],
                until=item["until"],
                now=now,
                timeframe=bot.timeframe,
                reason=item.get("reason") or None,
                side=item.get("side") or locks.ALL_PAIRS,
            )

    target = ", ".join(str(item["pair"]) for item in items)
    audited(bot, "add_locks", run, target=target, snapshot=lambda: _active(bot))


def locks_delete(
    *,
    bot: RunningBot,
    lock_id: int | None = None,
    pair: str | None = None,
) -> int:
    """Deactivate a lock by id, or every active lock of ``pair``; unknown ids change nothing."""
    if lock_id is None and pair is None:
        return 0
    return audited(
        bot,
        "delete_lock",
        lambda: locks.unlock(bot.bot_id, now=bot.exchange.now(), lock_id=lock_id, pair=pair),
        target=pair if lock_id is None else f"lock {lock_id}",
        snapshot=lambda: _active(bot),
    )
