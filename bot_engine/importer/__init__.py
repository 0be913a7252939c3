"""Importers that bring another bot's trade history into Tradeplane's tables."""

from bot_engine.importer.freqtrade import (
    ImportSummary,
    import_freqtrade,
    import_freqtrade_sqlite,
)
from bot_engine.importer.source import FreqtradeImportError

__all__ = ["FreqtradeImportError", "ImportSummary", "import_freqtrade", "import_freqtrade_sqlite"]
