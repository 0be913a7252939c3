"""``manage.py import_freqtrade SOURCE``: bring a Freqtrade database's history into a bot."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from bot_engine.importer import FreqtradeImportError, import_freqtrade
from bot_engine.management.utility import configured_bot_name


class Command(BaseCommand):
    help = (
        "Import the trades, orders and pair locks of a Freqtrade database (a SQLite file, "
        "sqlite:///PATH or postgresql://...) into a bot, keeping Freqtrade's trade ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", help="tradesv3.sqlite path or database URL")
        parser.add_argument("--bot-name", default=None, help="default: the config's bot_name")
        parser.add_argument("-c", "--config", default=None, help="config file (JSON)")
        parser.add_argument(
            "--db-url", default=None, help="Tradeplane's database, overrides db_url"
        )
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")
        parser.add_argument("--batch-size", type=int, default=5000, help="trades per transaction")

    def handle(self, *args, **options) -> None:
        bot_name = options["bot_name"] or configured_bot_name(options["config"])
        if not options["check"]:
            call_command("migrate", interactive=False, verbosity=0)
        bar = _ProgressBar(disable=options["verbosity"] == 0)
        try:
            summary = import_freqtrade(
                options["source"],
                bot_name=bot_name,
                check=options["check"],
                batch_size=options["batch_size"],
                progress=bar.update,
                on_total=bar.start,
            )
        except FreqtradeImportError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        for line in summary.lines():
            self.stdout.write(line)


class _ProgressBar:
    """A tqdm bar over the source's trades (on stderr; silent with ``-v 0``)."""

    def __init__(self, *, disable: bool) -> None:
        self.disable = disable
        self._bar = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="trade", disable=self.disable)

    def update(self, count: int) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
