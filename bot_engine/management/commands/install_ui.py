"""``manage.py install_ui``: put FreqUI where ``runbot`` and ``webserver`` serve it (``/``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bot_engine.config.builder import resolve_user_data_dir
from bot_engine.services import ui_install


class Command(BaseCommand):
    help = (
        "Install FreqUI under user_data/ui/: its newest GitHub release (or --version), or a "
        "release zip / built folder already on disk (--from)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        # --version names the UI release (as in ``freqtrade install-ui``): it replaces Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument("-c", "--config", default=None, help="config file (read at start-up)")
        parser.add_argument("--userdir", "--user-data-dir", dest="user_data_dir", default=None)
        parser.add_argument(
            "--from", dest="source", default=None, help="frequi.zip or a built folder on disk"
        )
        parser.add_argument("--version", dest="ui_version", default=None, help="e.g. 2.1.0")
        parser.add_argument("--erase", action="store_true", help="remove the installed UI")

    def handle(self, *args, **options) -> None:
        user_data_dir = self._user_data_dir(options["user_data_dir"])
        if options["erase"]:
            erased = ui_install.ui_erase(user_data_dir=user_data_dir)
            self.stdout.write("FreqUI removed." if erased else "No FreqUI was installed.")
            return
        try:
            if options["source"]:
                installed = ui_install.ui_install_from_path(
                    user_data_dir=user_data_dir,
                    source=Path(options["source"]).expanduser(),
                    version=options["ui_version"],
                )
            else:
                installed = ui_install.ui_install_download(
                    user_data_dir=user_data_dir, version=options["ui_version"]
                )
        except ui_install.UiInstallError as exc:
            hint = "" if options["source"] else "; offline, install a copy with --from PATH"
            raise CommandError(f"FreqUI not installed: {exc}{hint}") from None
        self.stdout.write(
            f"FreqUI {installed.version} installed in {installed.path} ({installed.files} files); "
            "runbot and webserver serve it at /"
        )

    def _user_data_dir(self, flag: str | None) -> Path:
        if flag:
            return resolve_user_data_dir(flag, None)
        return settings.BOT_CONFIG.user_data_dir
