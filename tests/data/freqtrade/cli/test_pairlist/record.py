"""Freqtrade 2026.9's own ``test-pairlist`` command on the bundled candles, for
tests/bot_engine/commands/test_test_pairlist.py. Run with Freqtrade's interpreter from the
repository root (README.md); it writes ``config_<case>.json`` and ``<case>[_<form>].txt``.

The command needs an exchange's markets and tickers, which this machine cannot reach: its
exchange is replaced by ``StoredExchange`` of ``../../pairlists/record_chains.py`` (the stored
5m candles as they stand at their end, 2018-01-30 05:00 UTC, as Tradeplane's replay sees them).
Everything else, from the command line parsing to the printing, is Freqtrade's.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "pairlists"))

from freqtrade.main import main as freqtrade_main  # noqa: E402
from freqtrade.resolvers import ExchangeResolver  # noqa: E402
from record_chains import CHAINS, StoredExchange  # noqa: E402

BASE = json.loads((HERE.parent.parent / "config.json").read_text())  # the config Freqtrade ran
# Two of the chains whose whitelists ../../pairlists/chains.json holds, under this test's names.
CASES = {"volume": CHAINS["shuffle_offset"], "filters": CHAINS["filters"]}
# output file suffix -> extra command line arguments
FORMS = {
    "": [],
    "_quotes": ["--quote", "BTC", "USDT"],
    "_one_column": ["-1"],
    "_json": ["--print-json"],
}


def run(config: Path, extra: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        freqtrade_main(["test-pairlist", "-c", str(config), *extra])
    return out.getvalue()


def main() -> None:
    exchange = StoredExchange()
    ExchangeResolver.load_exchange = staticmethod(lambda config, **kwargs: exchange)
    for case, (pairlists, blacklist) in CASES.items():
        config = {**BASE, "stoploss": -0.10, "pairlists": pairlists}
        config["exchange"] = {**BASE["exchange"], "pair_blacklist": blacklist}
        path = HERE / f"config_{case}.json"
        path.write_text(json.dumps(config, indent=2) + "\n")
        for suffix, extra in FORMS.items():
            (HERE / f"{case}{suffix}.txt").write_text(run(path, extra))


if __name__ == "__main__":
    main()
