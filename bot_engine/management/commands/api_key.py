"""``manage.py api_key create|list|revoke``: long-lived keys for dashboards and scripts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bot_engine.management.commands.grant_role import add_database_flags, find_bot, record_cli
from bot_engine.models import ApiKey, ApiKeyScope
from bot_engine.services import access


class Command(BaseCommand):
    help = "Create, list or revoke API keys (Authorization: Bearer tpk_...)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a key; its value is printed once")
        create.add_argument("--user", required=True, help="the owner (a Django username)")
        create.add_argument("--name", required=True, help="what the key is for")
        create.add_argument("--scope", choices=ApiKeyScope.values, default=ApiKeyScope.READ)
        create.add_argument(
            "--bot", action="append", default=[], help="limit to this bot (repeatable)"
        )
        create.add_argument("--expires-days", type=int, default=None)
        listing = sub.add_parser("list", help="keys and their state (never their value)")
        listing.add_argument("--user", default=None)
        revoke = sub.add_parser("revoke", help="revoke a key by its prefix")
        revoke.add_argument("prefix")
        for command in (create, listing, revoke):
            add_database_flags(command)

    def handle(self, *args, **options) -> None:
        getattr(self, "_" + options["action"])(options)

    def _create(self, options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Unknown user '{options['user']}'.")
        if options["expires_days"] is not None and options["expires_days"] <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        bots = [find_bot(name) for name in options["bot"]]
        expires = (
            datetime.now(UTC) + timedelta(days=options["expires_days"])
            if options["expires_days"]
            else None
        )
        with transaction.atomic():
            key, raw = access.api_key_create(
                user=user,
                name=options["name"],
                scope=options["scope"],
                bots=bots,
                expires_at=expires,
            )
            record_cli(
                "create_api_key",
                bot_id=None,
                target=str(key),
                after={"scope": key.scope, "bots": [b.name for b in bots], "user": user.username},
            )
        self.stdout.write(raw)
        self.stderr.write(
            f"API key '{key.name}' (prefix {key.prefix}, scope {key.scope}) for {user.username}. "
            "The value above is shown once; only its hash is stored."
        )

    def _list(self, options) -> None:
        keys = ApiKey.objects.select_related("user").prefetch_related("bots")
        if options["user"]:
            keys = keys.filter(user__username=options["user"])
        for key in keys:
            state = "revoked" if key.revoked_at else "active"
            bots = ",".join(b.name for b in key.bots.all()) or "*"
            self.stdout.write(
                f"{key.prefix}  {key.name:<20} {key.user.username:<15} {key.scope:<8} "
                f"bots={bots} {state} last_used={key.last_used_at or '-'}"
            )

    def _revoke(self, options) -> None:
        key = ApiKey.objects.filter(prefix=options["prefix"]).first()
        if key is None:
            raise CommandError(f"No API key with prefix '{options['prefix']}'.")
        with transaction.atomic():
            changed = access.api_key_revoke(key=key)
            if changed:
                record_cli("revoke_api_key", bot_id=None, target=str(key))
        self.stdout.write(f"{key}: {'revoked' if changed else 'already revoked'}")
