"""``manage.py webserver``: Freqtrade's webserver mode — the REST API without the trading engine.

FreqUI's Backtest page drives it: backtests are stored jobs run by worker processes (a local
process pool, or Celery workers when ``api_server.redis_url`` is set), never by this process.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.module_loading import import_string

from bot_engine import secret_filter
from bot_engine.backtest import jobs
from bot_engine.config.loader import load_config
from bot_engine.exceptions import ConfigError
from bot_engine.management.commands import runbot
from bot_engine.models import Bot


class Command(runbot.Command):
    help = "Serve the REST API without trading (Freqtrade's webserver mode: backtests, history)."

    def add_arguments(self, parser) -> None:
        # Only what manage.py hands to the settings (and so to the API and the job workers):
        # a backtest names its strategy in its request.
        parser.add_argument("-c", "--config", default=None, help="config file (JSON)")
        parser.add_argument("--db-url", default=None, help="database URL, overrides db_url")

    def handle(self, *args, **options) -> None:
        path = self._config_path(options["config"])
        try:
            config = load_config(path, overrides={"db_url": options["db_url"]})
        except ConfigError as exc:
            raise CommandError(f"Invalid configuration in {path}:\n{exc}") from None
        if not config.api_server.enabled:
            raise CommandError(
                f"api_server.enabled: the webserver serves the API only; set it to true in {path}"
            )
        secret_filter.install(config)
        listener = self._listen(config.api_server, path)
        call_command("migrate", interactive=False, verbosity=0)
        interrupted = jobs.mark_interrupted(config.bot_name)
        if interrupted:
            self.stdout.write(f"{interrupted} backtest job(s) interrupted by the last stop.")
        # The bot's row scopes roles (grant_role), the audit trail and the jobs in the admin;
        # a webserver that never ran as a trading bot registers it here.
        bot, _ = Bot.objects.get_or_create(
            name=config.bot_name,
            defaults={
                "stake_currency": config.stake_currency,
                "dry_run": config.dry_run,
                "exchange": config.exchange.name,
                "strategy": config.strategy,
            },
        )
        application = import_string(settings.ASGI_APPLICATION)
        self.stdout.write(f"Webserver mode: backtest jobs run on {jobs.backend()} workers.")
        jobs.warm_up()
        try:
            self._serve_api(config, application, bot.pk, listener)
        finally:
            jobs.shutdown_local_pool()
            jobs.mark_interrupted(config.bot_name)  # what the pool ran is cut short
