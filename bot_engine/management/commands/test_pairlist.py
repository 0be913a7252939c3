"""``manage.py test_pairlist``: Freqtrade's ``test-pairlist``, the config's pairlist chain run once.

For each quote currency (``--quote``, default the config's stake currency) the chain of the
config's ``pairlists`` is evaluated as ``/pairlists/evaluate`` does it
(``bot_engine.pairlists.evaluation``): on the replay exchange, the stored candles as they stand
at their end; on a ccxt exchange, its live markets. Printed as Freqtrade prints it: a
"Pairs for QUOTE: " header and the list, one pair per line with ``-1``, or a JSON list with
``--print-json``. Recorded references: ``tests/data/freqtrade/cli/test_pairlist/``.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from bot_engine.config.model import BotConfig
from bot_engine.exceptions import ConfigError, ExchangeError
from bot_engine.management.utility import command_config
from bot_engine.pairlists.evaluation import evaluate, job_options


class Command(BaseCommand):
    help = (
        "Run the config's pairlist chain once and print the whitelist per quote currency, as "
        "Freqtrade's test-pairlist does."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file (JSON)")
        parser.add_argument("--db-url", default=None, help="database URL, overrides db_url")
        parser.add_argument(
            "--quote",
            nargs="+",
            default=None,
            metavar="QUOTE_CURRENCY",
            dest="quote_currencies",
            help="Specify quote currency(-ies). Space-separated list.",
        )
        parser.add_argument(
            "-1", "--one-column", action="store_true", help="Print output in one column."
        )
        parser.add_argument(
            "--print-json", action="store_true", help="Print list of pairs in JSON format."
        )
        parser.add_argument(
            "--exchange", default=None, help="Exchange name, instead of the config's."
        )

    def handle(self, *args, **options) -> None:
        config = command_config(options["config"])
        quotes = options["quote_currencies"] or [config.stake_currency]
        results = {quote: _whitelist(config, quote, options["exchange"]) for quote in quotes}
        for quote, pairs in results.items():
            self.stdout.write(render(quote, pairs, options["one_column"], options["print_json"]))


def render(quote: str, pairs: list[str], one_column: bool, as_json: bool) -> str:
    """Freqtrade's text for one quote currency (``-1`` wins over ``--print-json``)."""
    if one_column:
        return "\n".join(pairs)
    if as_json:
        return json.dumps(pairs, separators=(",", ":"))
    return f"Pairs for {quote}: \n{pairs!r}"


def _whitelist(config: BotConfig, quote: str, exchange: str | None) -> list[str]:
    body = {
        "pairlists": list(config.pairlists),
        "stake_currency": quote,
        "blacklist": list(config.exchange.pair_blacklist),
        "exchange": exchange,
    }
    try:
        return evaluate(job_options(config=config, body=body))["whitelist"]
    except ExchangeError as exc:
        flag = "--exchange" if exchange else "--config"
        raise CommandError(f"{flag}: {_one_line(exc)}") from None
    except (ConfigError, ValueError) as exc:  # the exchange's name, or a handler's parameters
        if exchange and str(exc).startswith("exchange."):
            raise CommandError(f"--exchange: {_one_line(exc)}") from None
        raise CommandError(f"--config: pairlists: {_one_line(exc)}") from None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
