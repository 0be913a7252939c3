"""The trading bot: models, engine loop, exchanges, strategies. Never imports the API layer."""
