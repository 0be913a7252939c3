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
# FeatureTourStrategy (@informative 1h, callbacks, DCA): its run's config, 5m + 1h candles
BT=tests/data/freqtrade/backtest
cp $BT/strategies/feature_tour_strategy.py "$USERDIR/strategies/"
DATA_5M_1H=$(mktemp -d)
ln -s "$PWD"/user_data/data/binance/*-5m.feather "$PWD"/$BT/data/*-1h.feather "$DATA_5M_1H/"
tour() { "$FT_PY" bench/ft_offline.py "$@" --config $BT/runs/tour/config.json \
  --userdir "$USERDIR" --datadir "$DATA_5M_1H" --strategy FeatureTourStrategy \
  --timerange 20180115-20180120; }
tour lookahead-analysis --minimum-trade-amount 5 --targeted-trade-amount 20 \
  --lookahead-analysis-exportfilename "$HERE/lookahead-FeatureTourStrategy.csv" \
  > "$HERE/lookahead-FeatureTourStrategy.txt" 2> "$HERE/lookahead-FeatureTourStrategy.log"
tour recursive-analysis --pairs ETH/BTC --startup-candle 50 200 500 \
  > "$HERE/recursive-FeatureTourStrategy.txt" 2> "$HERE/recursive-FeatureTourStrategy.log"
rm -rf "$DATA_5M_1H"
sed -i "s#$USERDIR#\$USERDIR#g; s#$PWD#\$REPO#g; s#$(dirname "$(dirname "$FT_PY")")#\$FT_VENV#g" $HERE/*.log
rm -rf "$USERDIR"
