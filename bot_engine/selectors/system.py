"""``/version`` and ``/sysinfo``: this build and the host's load."""

from __future__ import annotations

from dataclasses import dataclass

import psutil

TRADEPLANE_VERSION = "0.1.0"


@dataclass(frozen=True)
class HostLoad:
    per_cpu_pct: list[float]
    ram_pct: float
    load_avg: tuple[float, float, float]  # 1, 5 and 15 minutes
    cpu_count: int


def host_load() -> HostLoad:
    per_cpu = psutil.cpu_percent(percpu=True)
    return HostLoad(
        per_cpu_pct=per_cpu,
        ram_pct=psutil.virtual_memory().percent,
        load_avg=psutil.getloadavg(),
        cpu_count=psutil.cpu_count() or len(per_cpu),
    )
