#!/usr/bin/env bash
# Re-record Freqtrade's list-strategies / list-data output on the repo's folders.
# Run from the repo root: bash tests/data/freqtrade/cli/list/record.sh
# Needs the real Freqtrade (2026.9) at $FREQTRADE (default /tmp/ftvenv/bin/freqtrade); offline.
set -euo pipefail
FT=${FREQTRADE:-/tmp/ftvenv/bin/freqtrade}
REPO=$(pwd)
OUT=$REPO/tests/data/freqtrade/cli/list
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# A user_data folder: the repo's strategies and bundled 5m candles (copied: Freqtrade creates
# its folder layout inside --userdir).
mkdir -p user_data/strategies user_data/data/binance
cp "$REPO"/user_data/strategies/*.py user_data/strategies/
cp "$REPO"/user_data/data/binance/*.feather user_data/data/binance/

# A strategy folder with two broken files, duplicates and a subfolder (see test_list_strategies).
S=$REPO/tests/data/strategies
mkdir -p strats/template
cp "$S"/broken_import.py "$S"/freqtrade_style.py "$S"/derived.py strats/
cp "$S"/freqtrade_template/sample_strategy.py strats/template/
printf 'from freqtrade.strategy import IStrategy\n\n\nclass SyntaxBroken(IStrategy:\n    pass\n' \
    > strats/syntax_error.py

# A data folder with two timeframes per pair and futures candles (see test_list_data).
mkdir -p mixed/futures
cp "$REPO"/user_data/data/binance/*.feather mixed/
cp "$REPO"/tests/data/freqtrade/backtest/data/*.feather mixed/
cp "$REPO"/user_data/data/binance/ETH_BTC-5m.feather mixed/futures/ETH_BTC_BTC-5m-futures.feather
cp "$REPO"/tests/data/freqtrade/backtest/data/ETH_BTC-1h.feather mixed/futures/ETH_BTC_BTC-1h-mark.feather
cp "$REPO"/tests/data/freqtrade/backtest/data/LTC_BTC-1h.feather mixed/futures/LTC_BTC_BTC-1h-futures.feather

run() {  # run <fixture> <freqtrade args...>: stdout only (logs go to stderr)
    local name=$1
    shift
    "$FT" "$@" > "$OUT/$name" 2> /dev/null
}
BT=$REPO/tests/data/freqtrade/backtest/strategies
run strategies.txt list-strategies --userdir user_data
run strategies-one-column.txt list-strategies --userdir user_data -1
run strategies-backtest-path.txt list-strategies --userdir user_data --strategy-path "$BT"
run strategies-mixed.txt list-strategies --userdir user_data --strategy-path strats
run strategies-mixed-recursive.txt list-strategies --userdir user_data --strategy-path strats \
    --recursive-strategy-search
run strategies-mixed-recursive-one-column.txt list-strategies --userdir user_data \
    --strategy-path strats --recursive-strategy-search -1
run data.txt list-data --userdir user_data --exchange binance
run data-timerange.txt list-data --userdir user_data --exchange binance --show-timerange
run data-no-exchange.txt list-data --userdir user_data
run data-mixed.txt list-data -d mixed
run data-mixed-timerange-pairs.txt list-data -d mixed --show-timerange -p ETH/BTC ADA/BTC
run data-futures.txt list-data -d mixed --trading-mode futures
run data-futures-timerange.txt list-data -d mixed --trading-mode futures --show-timerange
run data-no-exchange-timerange.txt list-data --userdir user_data --show-timerange
run data-unknown-pair.txt list-data -d mixed -p XYZ/BTC
run data-unknown-pair-timerange.txt list-data -d mixed -p XYZ/BTC --show-timerange
run data-trades.txt list-data -d mixed --trades

# On a terminal (script(1) gives Freqtrade a pty; its CRLF line ends are undone): colours.
tty_run() {  # tty_run <fixture> <freqtrade args...>
    local name=$1
    shift
    script -qc "$FT $* 2>/dev/null" /dev/null | tr -d '\r' > "$OUT/$name"
}
tty_run strategies-mixed-terminal.txt list-strategies --userdir user_data --strategy-path strats
tty_run data-mixed-terminal.txt list-data -d mixed --show-timerange -p ETH/BTC
