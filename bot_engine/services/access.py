"""Per-bot roles and API keys: who may do what on which bot (issue 8).

Roles are ordered (viewer < operator < admin). A user's role on a bot is the highest of
their own grant and their groups' grants; superusers are admins everywhere. An API key acts
as its owner, capped by its scope and limited to its bots when it lists any.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db.models import Q

from bot_engine.models import ApiKey, ApiKeyScope, Bot, BotRole, Role
from bot_engine.models.access import ROLE_ORDER

API_KEY_PREFIX = "tpk_"
# Writing last_used_at on every request would turn each read into a write; once a minute
# is enough to see which keys are alive.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SCOPE_CAP = {ApiKeyScope.READ: Role.VIEWER, ApiKeyScope.CONTROL: Role.OPERATOR}
# A session opened with a bot's config credentials (``api_server.username``) names that bot
# under this key (written at login by api.auth.config_session): in the admin such a session
# is the admin of that one bot, whichever bots share the database, as on the API.
CONFIG_SESSION_BOT = "tradeplane_config_bot"


def role_rank(role: str | None) -> int:
    """0 for no role, then 1, 2, 3 for viewer, operator, admin."""
    return ROLE_ORDER.index(role) + 1 if role in ROLE_ORDER else 0


def role_highest(roles: Iterable[str | None]) -> Role | None:
    best = max(roles, key=role_rank, default=None)
    return Role(best) if best else None


def role_lowest(*roles: str | None) -> Role | None:
    if any(r is None for r in roles):
        return None
    return Role(min(roles, key=role_rank))


def _grants(user) -> Q:
    return Q(user_id=user.pk) | Q(group__in=user.groups.all())


def user_role(user, bot_id: int) -> Role | None:
    """The user's role on one bot (None: no access)."""
    if not getattr(user, "is_active", False) or bot_id <= 0:
        return None
    if user.is_superuser:
        return Role.ADMIN
    roles = BotRole.objects.filter(_grants(user), bot_id=bot_id).values_list("role", flat=True)
    return role_highest(roles)


def user_bot_roles(user) -> dict[int, Role]:
    """bot id -> role, for every bot the user may see."""
    if not getattr(user, "is_active", False):
        return {}
    if user.is_superuser:
        return dict.fromkeys(Bot.objects.values_list("pk", flat=True), Role.ADMIN)
    roles: dict[int, Role] = {}
    for bot_id, role in BotRole.objects.filter(_grants(user)).values_list("bot_id", "role"):
        roles[bot_id] = role_highest([roles.get(bot_id), role])
    return roles


def session_bot_roles(user, session) -> dict[int, Role] | None:
    """bot id -> role of an admin-site session; None means every bot (a superuser).

    A config-credentials session covers only the bot it logged in to; any other user gets
    the roles granted to them or their groups.
    """
    config_bot = session.get(CONFIG_SESSION_BOT) if session is not None else None
    if config_bot is not None:
        if not getattr(user, "is_active", False):
            return {}
        bot_id = Bot.objects.filter(name=config_bot).values_list("pk", flat=True).first()
        return {bot_id: Role.ADMIN} if bot_id is not None else {}
    if getattr(user, "is_active", False) and user.is_superuser:
        return None
    return user_bot_roles(user)


def _key_bots(key: ApiKey) -> set[int]:
    """The bots a key is limited to (empty: every bot its owner may access)."""
    return set(key.bots.values_list("pk", flat=True))


def api_key_role(key: ApiKey, bot_id: int) -> Role | None:
    """The role an API key carries on one bot: the owner's, capped by scope and bot list."""
    allowed = _key_bots(key)
    if allowed and bot_id not in allowed:
        return None
    return role_lowest(user_role(key.user, bot_id), SCOPE_CAP[ApiKeyScope(key.scope)])


def api_key_bot_roles(key: ApiKey) -> dict[int, Role]:
    allowed = _key_bots(key)
    cap = SCOPE_CAP[ApiKeyScope(key.scope)]
    return {
        bot_id: role_lowest(role, cap)
        for bot_id, role in user_bot_roles(key.user).items()
        if not allowed or bot_id in allowed
    }


def role_grant(*, bot: Bot, role: Role | str, user=None, group=None) -> BotRole:
    """Give a user or a group ``role`` on ``bot`` (replacing their previous role there)."""
    if (user is None) == (group is None):
        raise ValueError("grant a role to exactly one of a user or a group")
    grant, _ = BotRole.objects.update_or_create(
        bot=bot, user=user, group=group, defaults={"role": Role(role)}
    )
    return grant


def role_revoke(*, bot: Bot, user=None, group=None) -> int:
    return BotRole.objects.filter(bot=bot, user=user, group=group).delete()[0]


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(
    *,
    user,
    name: str,
    scope: ApiKeyScope | str,
    bots: Iterable[Bot] = (),
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its raw value; the raw value is not stored and cannot be shown again."""
    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    raw = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name,
        user=user,
        prefix=prefix,
        key_hash=_hash(raw),
        scope=ApiKeyScope(scope),
        expires_at=expires_at,
    )
    key.bots.set(list(bots))
    return key, raw


def api_key_revoke(*, key: ApiKey) -> bool:
    """Revoke a key; False if it already was."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = datetime.now(UTC)
    key.save(update_fields=["revoked_at"])
    return True


def api_key_is_well_formed(raw: str) -> bool:
    return raw.startswith(API_KEY_PREFIX)


def api_key_check(raw: str) -> ApiKey | None:
    """The live key ``raw`` is, or None (unknown, wrong secret, revoked, expired, owner off)."""
    prefix, sep, _ = raw.removeprefix(API_KEY_PREFIX).partition("_")
    if not sep or not api_key_is_well_formed(raw):
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    expected = key.key_hash if key else _hash("")
    matches = hmac.compare_digest(_hash(raw), expected)  # always compared: no timing hint
    if key is None or not matches or key.revoked_at is not None or not key.user.is_active:
        return None
    now = datetime.now(UTC)
    if key.expires_at is not None and key.expires_at <= now:
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
