"""``manage.py runbot``: run the trading engine and serve the API from the same process."""

from __future__ import annotations

import contextlib
import errno
import signal
import socket
import threading
from pathlib import Path

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from bot_engine import runtime, secret_filter
from bot_engine.config.loader import load_config
from bot_engine.config.reader import DEFAULT_CONFIG, write_default_config
from bot_engine.engine.factory import build_running_bot
from bot_engine.engine.loop import Engine, run_in_thread
from bot_engine.exceptions import ConfigError, ExchangeError, StrategyError
from bot_engine.selectors import closed_cache

# Websocket keepalive: a ping every 20 s, and a peer that has not answered 20 s later is gone.
# Idle sockets then survive proxies with a 60 s idle timeout (nginx's proxy_read_timeout).
WS_PING_INTERVAL = 20.0
WS_PING_TIMEOUT = 20.0


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
        secret_filter.install(config)
        # The API's port is taken before anything trades: a busy port ends the start here.
        listener = self._listen(config.api_server, path) if config.api_server.enabled else None
        call_command("migrate", interactive=False, verbosity=0)
        try:
            bot = build_running_bot(config)
        except (ConfigError, StrategyError, ExchangeError) as exc:
            raise CommandError(str(exc)) from None
        runtime.register(bot)
        # Built before the engine starts: building it registers the publisher the engine's
        # events go through to websocket clients (api.asgi_app; bot_engine.events).
        application = import_string(settings.ASGI_APPLICATION)
        engine = Engine(bot)
        thread = run_in_thread(engine)
        try:
            if listener is not None:
                self._serve_api(config, application, bot.bot_id, listener)
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

    def _listen(self, api, path: Path) -> socket.socket:
        """A socket bound to the API's address, or one line naming the config key if busy.

        Bound here, not by uvicorn: uvicorn reports a busy port as a log line and exit code 3,
        after the engine has already started trading.
        """
        host, port = api.listen_ip_address, api.listen_port
        try:
            family, kind, proto, _, address = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
            )[0]
            listener = socket.socket(family, kind, proto)
        except OSError as exc:
            raise CommandError(
                f"api_server.listen_ip_address: cannot listen on {host!r} ({exc}); set another "
                f"address in {path}"
            ) from None
        # As uvicorn does: a port left in TIME_WAIT by the previous run is free to reuse.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(address)
        except OSError as exc:
            listener.close()
            reason = "the port is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise CommandError(
                f"api_server.listen_port: cannot listen on {host}:{port}: {reason}; "
                f"stop the program using it or set another port in {path}"
            ) from None
        return listener

    def _serve_api(self, config, application, bot_id: int, listener: socket.socket) -> None:
        api = config.api_server
        self.stdout.write(
            f"API listening on http://{api.listen_ip_address}:{api.listen_port}/api/v1 "
            f"(user '{api.username}'; password in the config file)"
        )
        self.stdout.flush()
        # The aggregates' cache is read in the background while uvicorn starts: at a million
        # trades that read takes seconds, which FreqUI's first /profit would otherwise wait.
        threading.Thread(target=closed_cache.warm_cache, args=(bot_id,), daemon=True).start()
        server = QuietServer(
            uvicorn.Config(
                application,
                host=api.listen_ip_address,
                port=api.listen_port,
                ws_ping_interval=WS_PING_INTERVAL,
                ws_ping_timeout=WS_PING_TIMEOUT,
                # X-Forwarded-For/-Proto only from the proxies the config names (none by
                # default; uvicorn's own default trusts loopback, i.e. any local client).
                proxy_headers=bool(api.trusted_proxies),
                forwarded_allow_ips=list(api.trusted_proxies) or None,
                log_level="info" if api.verbosity == "info" else "warning",
                lifespan="off",
                access_log=api.verbosity == "info",
            )
        )
        server.run(sockets=[listener])

    def _wait_for_signal(self, engine: Engine) -> None:
        stopped = threading.Event()

        def request_stop(signum, frame) -> None:
            stopped.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stopped.wait(0.5):
            pass
        engine.stop()


class QuietServer(uvicorn.Server):
    """uvicorn re-raises the stopping signal after its graceful shutdown, which would kill the
    process before the engine stops (SIGTERM) or print a traceback (Ctrl-C). Here the signal
    only ends the server; ``handle`` then stops the engine and the command exits 0."""

    @contextlib.contextmanager
    def capture_signals(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        stop_signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in stop_signals}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
