#!/usr/bin/env python
"""Django's command-line utility; ``--config``/``--db-url`` are read before settings load."""

import os
import sys


def _export_bot_flags(command: str, argv: list[str]) -> None:
    """Settings are built from the bot config, so the flags must be known before Django starts."""
    flags = {"--config": "TRADEPLANE_CONFIG", "--db-url": "TRADEPLANE_DB_URL"}
    if command != "shell":  # ``shell -c CODE`` is Django's, not a config file
        flags["-c"] = "TRADEPLANE_CONFIG"
    for i, arg in enumerate(argv):
        name, sep, value = arg.partition("=")
        if name in flags:
            if not sep and i + 1 < len(argv):
                value = argv[i + 1]
            if value:
                os.environ[flags[name]] = value


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    _export_bot_flags(sys.argv[1] if len(sys.argv) > 1 else "", sys.argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
