"""Authentication of the API: HTTP Basic, Freqtrade-format JWTs and browser sessions."""
