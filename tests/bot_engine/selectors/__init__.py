"""Tests of bot_engine.selectors and bot_engine.importer."""
