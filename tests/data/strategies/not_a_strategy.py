"""Helper classes in a strategy folder are not strategies."""


class Helper:
    pass
