#!/usr/bin/env bash
# Record what Freqtrade 2026.9's `freqtrade backtesting-show` prints (see README.md).
# Run from the repository root. FT: Freqtrade's own install; it is not a Tradeplane dependency.
set -euo pipefail
FT=${FT:-/tmp/ftvenv/bin/freqtrade}
D=tests/data/freqtrade/backtest
S=$D/show
CONFIG=$D/runs/sample/config.json
UD=$(mktemp -d)     # Freqtrade wants an existing user-data folder; nothing is read from it
OURS=$(mktemp -d)   # what `manage.py backtesting` exports for run `sample`
SHOW="$FT backtesting-show --config $CONFIG --userdir $UD"

.venv/bin/python manage.py backtesting --config "$CONFIG" --strategy SampleStrategy \
  --strategy-path $D/strategies --datadir user_data/data/binance --timerange 20180111-20180130 \
  --backtest-directory "$OURS" > /dev/null

$SHOW --backtest-directory "$OURS" > $S/sample-ours.txt
$SHOW --backtest-directory "$OURS" --show-pair-list \
  --breakdown day week month year weekday > $S/sample-ours-breakdown.txt
$SHOW --backtest-directory $S/freqtrade-ema > $S/ema-freqtrade.txt
$SHOW --export-filename $S/freqtrade-ema/backtest-result-2026-12-06_09-03-03.zip \
  --breakdown week --show-pair-list > $S/ema-freqtrade-breakdown.txt
$SHOW --export-filename $D/runs/tour/result.json --breakdown month weekday \
  --show-pair-list > $S/tour-freqtrade.txt
$SHOW --export-filename $D/no-trades/result.json --breakdown day \
  --show-pair-list > $S/no-trades-freqtrade.txt
# Two strategies in one document: the EmaCrossStrategy result, then run tour's.
python3 - "$OURS/multi.json" <<'PY'
import json, sys, zipfile
d = "tests/data/freqtrade/backtest/"
z = zipfile.ZipFile(d + "show/freqtrade-ema/backtest-result-2026-12-06_09-03-03.zip")
ema = json.loads(z.read("backtest-result-2026-12-06_09-03-03.json"))
tour = json.load(open(d + "runs/tour/result.json"))
both = {key: ema[key] | tour[key] for key in ("strategy",)}
both["strategy_comparison"] = ema["strategy_comparison"] + tour["strategy_comparison"]
json.dump(both, open(sys.argv[1], "w"))
PY
$SHOW --export-filename "$OURS/multi.json" --show-pair-list > $S/multi-freqtrade.txt
rm -rf "$UD" "$OURS"
