"""Tests of the websocket (api/ws)."""
