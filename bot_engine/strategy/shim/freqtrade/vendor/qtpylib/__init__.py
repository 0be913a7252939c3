"""``freqtrade.vendor.qtpylib``: Freqtrade 2026.9 serves it from the ``technical`` package.

``freqtrade.vendor.qtpylib.indicators`` *is* ``technical.qtpylib``'s module (registered under
both names), so strategy files get the same functions, bugs fixed upstream included, whichever
name they import.
"""

import sys

from technical.vendor.qtpylib import indicators

# `import freqtrade.vendor.qtpylib.indicators` finds the submodule in sys.modules: no copy to
# keep in step, and no star import.
sys.modules[f"{__name__}.indicators"] = indicators

__all__ = ["indicators"]
