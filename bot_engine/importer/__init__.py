"""Importers that bring another bot's trade history into Tradeplane's tables."""

from bot_engine.importer.freqtrade import FreqtradeImportError, import_freqtrade_sqlite

__all__ = ["FreqtradeImportError", "import_freqtrade_sqlite"]
