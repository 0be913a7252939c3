"""``/version``, ``/sysinfo`` and ``/health``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psutil

TRADEPLANE_VERSION = "0.1.0"


def version_info() -> dict[str, str]:
    return {"version": TRADEPLANE_VERSION}


def sysinfo() -> dict[str, Any]:
    per_cpu = psutil.cpu_percent(percpu=True)
    load = psutil.getloadavg()
    return {
        "cpu_pct": per_cpu,
        "ram_pct": psutil.virtual_memory().percent,
        "cpu_load": [{"cpu": i, "pct": pct} for i, pct in enumerate(per_cpu)],
        "cpu_load_avg": {"1m": load[0], "5m": load[1], "15m": load[2]},
        "cpu_count": psutil.cpu_count() or len(per_cpu),
        "cpu_avg": round(sum(per_cpu) / len(per_cpu), 2) if per_cpu else 0.0,
    }


def _iso(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if when else None


def _ts(when: datetime | None) -> int | None:
    return int(when.timestamp()) if when else None


def health(
    *, last_process: datetime | None, bot_start: datetime | None, bot_startup: datetime | None
) -> dict[str, Any]:
    """Times in seconds (contract §2.1): loop end, persisted bot start, this process's start."""
    return {
        "last_process": _iso(last_process),
        "last_process_ts": _ts(last_process),
        "bot_start": _iso(bot_start),
        "bot_start_ts": _ts(bot_start),
        "bot_startup": _iso(bot_startup),
        "bot_startup_ts": _ts(bot_startup),
    }
