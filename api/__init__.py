"""The Freqtrade-compatible REST API (Django REST framework) and the websocket consumer."""
