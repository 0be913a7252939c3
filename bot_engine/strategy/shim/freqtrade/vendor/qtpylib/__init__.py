"""``freqtrade.vendor.qtpylib``: pandas indicator helpers (see ``indicators``)."""
