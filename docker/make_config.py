"""Write docker/config/config.json for the compose file: fresh secrets, the API on 0.0.0.0.

Inside the container the API must listen on all interfaces for the published port to reach it;
the config loader then requires a strong password and JWT secret, which this writes. The port is
still published on 127.0.0.1 only (docker/compose.yml). Never overwrites an existing file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot_engine.config.reader import write_default_config  # noqa: E402

TARGET = Path(__file__).resolve().parent / "config" / "config.json"


def main() -> None:
    config = write_default_config(TARGET)
    config["api_server"]["listen_ip_address"] = "0.0.0.0"
    config["api_server"]["listen_port"] = 8080
    config["api_server"]["redis_url"] = "redis://redis:6379/0"
    config["user_data_dir"] = "/app/user_data"
    config.pop("db_url", None)  # the compose file passes TRADEPLANE_DB_URL (PostgreSQL)
    TARGET.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    print(f"wrote {TARGET} (API user {config['api_server']['username']!r}; password inside)")


if __name__ == "__main__":
    main()
