"""``/version`` and ``/sysinfo``: this build and the host's load."""

from __future__ import annotations

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
