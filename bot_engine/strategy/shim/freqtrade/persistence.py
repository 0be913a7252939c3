"""Names strategy files import for type hints; the engine passes its own trade objects."""


class Trade:
    """Placeholder for annotations only: callbacks receive the engine's trade object."""


class Order:
    """Placeholder for annotations only: callbacks receive the engine's order object."""


__all__ = ["Order", "Trade"]
