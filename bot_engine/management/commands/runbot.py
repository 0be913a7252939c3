"""``manage.py runbot``: run the trading engine and serve the API from the same process."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bot_engine import logbuffer, runtime
from bot_engine.config.loader import load_config, write_default_config
from bot_engine.engine.factory import build_running_bot
from bot_engine.engine.loop import Engine, run_in_thread
from bot_engine.exceptions import ConfigError, ExchangeError, StrategyError
from controlplane.bootstrap import DEFAULT_CONFIG


class Command(BaseCommand):
    help = "Run the trading bot (and its REST API when api_server.enabled)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file (JSON)")
        parser.add_argument("--db-url", default=None, help="database URL, overrides db_url")
        parser.add_argument("-s", "--strategy", default=None, help="strategy class name")
        parser.add_argument("--strategy-path", default=None, help="extra strategy folder")
        parser.add_argument("--userdir", "--user-data-dir", dest="user_data_dir", default=None)

    def handle(self, *args, **options) -> None:
        path = self._config_path(options["config"])
        overrides = {
            "db_url": options["db_url"],
            "strategy": options["strategy"],
            "strategy_path": options["strategy_path"],
            "user_data_dir": options["user_data_dir"],
        }
        try:
            config = load_config(path, overrides=overrides)
        except ConfigError as exc:
            raise CommandError(f"Invalid configuration in {path}:\n{exc}") from None
        logbuffer.install()
        call_command("migrate", interactive=False, verbosity=0)
        try:
            bot = build_running_bot(config)
        except (ConfigError, StrategyError, ExchangeError) as exc:
            raise CommandError(str(exc)) from None
        runtime.register(bot)
        engine = Engine(bot, reload_config=None)
        thread = run_in_thread(engine)
        try:
            if config.api_server.enabled:
                self._serve_api(config)
            else:
                self._wait_for_signal(engine)
        finally:
            engine.stop()
            thread.join(timeout=30)
            runtime.register(None)

    def _config_path(self, given: str | None) -> Path:
        if given:
            return Path(given)
        path = DEFAULT_CONFIG
        if not path.exists():
            written = write_default_config(path)
            api = written["api_server"]
            self.stdout.write(
                f"Created {path} (dry-run on the offline replay exchange).\n"
                f"API: http://{api['listen_ip_address']}:{api['listen_port']}/api/v1  "
                f"username: {api['username']}  password: {api['password']}\n"
                f"(stored in {path}; change them there)"
            )
        return path

    def _serve_api(self, config) -> None:
        import uvicorn

        api = config.api_server
        self.stdout.write(
            f"API listening on http://{api.listen_ip_address}:{api.listen_port}/api/v1 "
            f"(user '{api.username}'; password in the config file)"
        )
        self.stdout.flush()
        server = uvicorn.Server(
            uvicorn.Config(
                "controlplane.asgi:application",
                host=api.listen_ip_address,
                port=api.listen_port,
                log_level="info" if api.verbosity == "info" else "warning",
                lifespan="off",
                access_log=api.verbosity == "info",
            )
        )
        server.run()

    def _wait_for_signal(self, engine: Engine) -> None:
        stopped = threading.Event()

        def request_stop(signum, frame) -> None:
            stopped.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stopped.wait(0.5):
            pass
        engine.stop()
