#!/usr/bin/env bash
# Records Freqtrade 2026.9's lookahead-analysis and recursive-analysis on the strategies of
# tests/data/strategies/lookahead/ (offline: bench/ft_offline.py serves the market list).
# Run from the repository root:  FT_PY=/tmp/ftvenv/bin/python tests/data/freqtrade/analysis/record.sh
set -euo pipefail
FT_PY=${FT_PY:-/tmp/ftvenv/bin/python}
HERE=tests/data/freqtrade/analysis
USERDIR=$(mktemp -d)
mkdir -p "$USERDIR/strategies"
cp tests/data/strategies/lookahead/*.py "$USERDIR/strategies/"
export FT_OFFLINE_DATADIR=user_data/data/binance
TIMERANGE=20180115-20180118
ft() { "$FT_PY" bench/ft_offline.py "$@" --config $HERE/config.json --userdir "$USERDIR" \
  --datadir user_data/data/binance; }
for strategy in PeekStrategy CleanEmaStrategy RecursiveEmaStrategy; do
  ft lookahead-analysis --strategy $strategy --timerange $TIMERANGE \
    --minimum-trade-amount 5 --targeted-trade-amount 10 \
    --lookahead-analysis-exportfilename "$HERE/lookahead-$strategy.csv" \
    > "$HERE/lookahead-$strategy.txt" 2> "$HERE/lookahead-$strategy.log"
  ft recursive-analysis --strategy $strategy --timerange $TIMERANGE --pairs ETH/BTC \
    --startup-candle 20 100 500 \
    > "$HERE/recursive-$strategy.txt" 2> "$HERE/recursive-$strategy.log"
done
sed -i "s#$USERDIR#\$USERDIR#g; s#$PWD#\$REPO#g; s#$(dirname "$(dirname "$FT_PY")")#\$FT_VENV#g" $HERE/*.log
rm -rf "$USERDIR"
