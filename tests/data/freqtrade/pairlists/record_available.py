"""Freqtrade 2026.9's ``GET /pairlists/available`` body, recorded for
tests/api/views/test_pairlists.py. Run with Freqtrade's own interpreter (see README.md)."""

from __future__ import annotations

import json
import sys

from freqtrade.rpc.api_server.api_pairlists import list_pairlists

body = list_pairlists(config={})
json.dump(body, sys.stdout, indent=1)
sys.stdout.write("\n")
