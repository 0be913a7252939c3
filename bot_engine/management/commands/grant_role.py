"""``manage.py grant_role BOT ROLE --user NAME | --group NAME``: per-bot roles from the shell."""

from __future__ import annotations

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bot_engine.models import Bot, BotRole, Outcome, Role
from bot_engine.services import access
from bot_engine.services.audit import Actor, audit_event_record

NONE = "none"


def find_bot(name: str) -> Bot:
    bot = Bot.objects.filter(name=name).first()
    if bot is None:
        known = ", ".join(Bot.objects.values_list("name", flat=True)) or "none yet"
        raise CommandError(
            f"Unknown bot '{name}' (known: {known}). A bot is registered at its first start."
        )
    return bot


def add_database_flags(parser) -> None:
    """``--config``/``--db-url`` pick the database (manage.py reads them before settings load)."""
    parser.add_argument("-c", "--config", default=None, help="config file; its db_url is used")
    parser.add_argument("--db-url", default=None, help="database URL, overrides db_url")


def record_cli(action: str, *, bot_id: int | None, target: str, before=None, after=None) -> None:
    """The audit row of a change made from the shell (in the caller's transaction)."""
    actor = Actor(name=getpass.getuser(), credential="shell", via="cli")
    audit_event_record(
        actor=actor,
        bot_id=bot_id,
        action=action,
        outcome=Outcome.OK,
        target=target,
        before=before,
        after=after,
    )


class Command(BaseCommand):
    help = "Give a user or a group a role (viewer, operator, admin) on a bot, or 'none' to revoke."

    def add_arguments(self, parser) -> None:
        parser.add_argument("bot", help="the bot's bot_name")
        parser.add_argument("role", choices=[*Role.values, NONE])
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="a Django username")
        who.add_argument("--group", help="a Django group name")
        add_database_flags(parser)

    def handle(self, *args, **options) -> None:
        bot = find_bot(options["bot"])
        user = group = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    f"Unknown user '{options['user']}' (create it with createsuperuser or "
                    "in the admin)."
                )
        else:
            group = Group.objects.filter(name=options["group"]).first()
            if group is None:
                raise CommandError(f"Unknown group '{options['group']}'.")
        who = str(user or group)
        with transaction.atomic():
            grant = BotRole.objects.filter(bot=bot, user=user, group=group).first()
            before = grant.role if grant else None
            if options["role"] == NONE:
                access.role_revoke(bot=bot, user=user, group=group)
                after, action = None, "revoke_role"
            else:
                after = access.role_grant(
                    bot=bot, role=options["role"], user=user, group=group
                ).role
                action = "grant_role"
            record_cli(
                action, bot_id=bot.pk, target=who, before={"role": before}, after={"role": after}
            )
        self.stdout.write(f"{who}: {after or 'no role'} on {bot.name}")
