"""The trading loop and its steps: analysis, orders, exits, entries, wallet, locks, pair lists."""
