"""Per-bot roles (viewer < operator < admin): which role each route needs, and who has it.

``ROUTE_ROLES`` is the one table of decisions, keyed by the URL names of ``api/urls.py`` (and
by method where one route both reads and changes). ADMIN route missing from it is refused to
everyone (403), and tests/api/test_roles.py fails, so a new endpoint needs a decision here.

The config's ``api_server.username`` (Basic, its JWTs, or an admin-site session opened with
it) is the admin of the bot this process serves, as in Freqtrade. Django users get the role
granted to them or their groups (superusers: admin); API keys act as their owner, capped by
their scope.
"""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from rest_framework import exceptions, permissions

from api.auth.authentication import ApiUser, Credential
from api.auth.config_session import CONFIG_BACKEND
from api.context import bot_context, served_config
from api.exceptions import NOT_IN_STATE
from bot_engine.exceptions import BotNotRunning
from bot_engine.models import Role
from bot_engine.runtime import get_running_bot
from bot_engine.services import access

PUBLIC = "public"  # no credentials needed
AUTHENTICATED = "authenticated"  # any valid login, whatever the role (it sees what it may)
VIEWER, OPERATOR, ADMIN = Role.VIEWER, Role.OPERATOR, Role.ADMIN

ROUTE_ROLES: dict[str, str | dict[str, str]] = {
    "ping": PUBLIC,
    "token_login": PUBLIC,  # the views check the credentials themselves
    "token_refresh": PUBLIC,
    "token_logout": PUBLIC,
    "openapi": PUBLIC,
    "ui_version": PUBLIC,  # FreqUI's files (plain Django views, api/views/ui.py)
    "ui": PUBLIC,
    "api_root": VIEWER,
    "version": VIEWER,
    "show_config": VIEWER,  # FreqUI reads it for every bot; secrets are masked
    "logs": VIEWER,
    "sysinfo": VIEWER,
    "health": VIEWER,
    "start": OPERATOR,
    "stop": OPERATOR,
    "stopbuy": OPERATOR,
    "stopentry": OPERATOR,
    "pause": OPERATOR,
    "reload_config": ADMIN,
    "balance": VIEWER,
    "count": VIEWER,
    "status": VIEWER,
    "trades": VIEWER,
    "trade": VIEWER,
    "list_open_trades_custom_data": VIEWER,
    "list_custom_data": VIEWER,
    "delete_trade": ADMIN,
    "cancel_open_order": OPERATOR,
    "reload_trade": OPERATOR,
    "profit": VIEWER,
    "profit_all": VIEWER,
    "stats": VIEWER,
    "performance": VIEWER,
    "entries": VIEWER,
    "exits": VIEWER,
    "mix_tags": VIEWER,
    "daily": VIEWER,
    "weekly": VIEWER,
    "monthly": VIEWER,
    "historic_balance": VIEWER,
    "edge": VIEWER,
    "forceenter": OPERATOR,
    "forcebuy": OPERATOR,
    "forceexit": OPERATOR,
    "forcesell": OPERATOR,
    "whitelist": VIEWER,
    "blacklist": {"GET": VIEWER, "POST": OPERATOR, "DELETE": OPERATOR},
    "locks": {"GET": VIEWER, "POST": OPERATOR},
    "delete_lock_pair": OPERATOR,
    "delete_lock": OPERATOR,
    "pair_candles": VIEWER,
    "pair_history": VIEWER,
    "plot_config": VIEWER,
    "strategies": VIEWER,
    "strategy": OPERATOR,  # returns the strategy's source code
    "available_pairs": VIEWER,
    "markets": VIEWER,
    "list_exchanges": VIEWER,
    "list_hyperoptloss": VIEWER,
    "list_freqaimodels": VIEWER,
    # backtests (webserver mode): starting, stopping and deleting runs are trading actions
    "backtest": {"GET": VIEWER, "POST": OPERATOR, "DELETE": OPERATOR},
    "backtest_abort": OPERATOR,
    "backtest_history": VIEWER,
    "backtest_history_result": VIEWER,
    "backtest_history_file": {"PATCH": OPERATOR, "DELETE": OPERATOR},
    "backtest_market_change": VIEWER,
    "backtest_wallet": VIEWER,
    "background": VIEWER,
    "background_job": {"GET": VIEWER, "DELETE": OPERATOR},
    "background_clear": OPERATOR,
    "lookahead_analysis": {"POST": OPERATOR},
    "lookahead_analysis_job": VIEWER,
    "recursive_analysis": {"POST": OPERATOR},
    "recursive_analysis_job": VIEWER,
    # pairlist evaluation and downloads (webserver mode): starting a job is operating
    "list_pairlists": VIEWER,
    "pairlists_evaluate": {"POST": OPERATOR},
    "pairlists_evaluate_get": VIEWER,
    "download_data": {"POST": OPERATOR},
    "audit": ADMIN,
    "portfolio": AUTHENTICATED,  # covers only the bots the caller may see
    "metrics": VIEWER,
}
NO_DECISION = "This endpoint has no role decision; nobody may call it."
FORBIDDEN = "Your role on bot '{bot}' ({role}) does not allow this; it needs {needed}."
NO_ROLE = "You have no role on bot '{bot}'."


def required_role(url_name: str | None, method: str) -> str | None:
    """The role a route needs for ``method`` (HEAD/OPTIONS as GET); None: no decision."""
    rule = ROUTE_ROLES.get(url_name or "")
    if isinstance(rule, dict):
        return rule.get("GET" if method in ("HEAD", "OPTIONS") else method)
    return rule


def is_config_admin(request) -> bool:
    """The config's API user: Basic/JWT (``ApiUser``) or an admin-site session opened with
    this bot's config credentials (another bot's config login names its own bot)."""
    if isinstance(request.user, ApiUser):
        return True
    session = getattr(getattr(request, "_request", request), "session", None)
    if session is None or session.get(BACKEND_SESSION_KEY) != CONFIG_BACKEND:
        return False
    return session.get(access.CONFIG_SESSION_BOT) == served_config().bot_name


def _api_key(request):
    """The API key the request authenticated with, if any."""
    credential = request.auth
    return credential.api_key if isinstance(credential, Credential) else None


def role_on(request, bot_id: int) -> Role | None:
    """The caller's role on one bot."""
    if key := _api_key(request):
        return access.api_key_role(key, bot_id)
    if is_config_admin(request):
        return Role.ADMIN if bot_id == bot_context().bot_id else None
    return access.user_role(request.user, bot_id)


def request_role(request) -> Role | None:
    """The caller's role on the bot this process serves (cached on the request)."""
    if not hasattr(request, "_tradeplane_role"):
        # The config's user is admin even before the bot's first start created its row.
        admin = is_config_admin(request)
        request._tradeplane_role = Role.ADMIN if admin else role_on(request, bot_context().bot_id)
    return request._tradeplane_role


def visible_bot_ids(request) -> list[int]:
    """Ids of the bots the request's user may read (at least viewer)."""
    if key := _api_key(request):
        roles = access.api_key_bot_roles(key)
    elif is_config_admin(request):
        bot_id = bot_context().bot_id
        roles = {bot_id: Role.ADMIN} if bot_id > 0 else {}
    else:
        roles = access.user_bot_roles(request.user)
    return sorted(bot_id for bot_id, role in roles.items() if role)


class HasBotRole(permissions.BasePermission):
    """The default permission: the caller's role on this bot covers the route's requirement."""

    def has_permission(self, request, view) -> bool:
        match = request.resolver_match
        needed = required_role(match.url_name if match else None, request.method)
        if needed == PUBLIC:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with the authenticator's challenge
        if needed == AUTHENTICATED:
            return True
        if needed is None:
            raise exceptions.PermissionDenied(NO_DECISION)
        role = request_role(request)
        if access.role_rank(role) >= access.role_rank(needed):
            return True
        name = served_config().bot_name
        if role is None:
            raise exceptions.PermissionDenied(NO_ROLE.format(bot=name))
        raise exceptions.PermissionDenied(FORBIDDEN.format(bot=name, role=role, needed=needed))


class TradingMode(permissions.BasePermission):
    """Trading endpoints need the bot running in this process: in webserver mode they answer
    503 ``{"detail": "Bot is not in the correct state."}``, after the role check (401/403) and
    before any parameter is read (422), as contract §0 orders them. OPTIONS only describes the
    endpoint, so it answers in both modes."""

    def has_permission(self, request, view) -> bool:
        if request.method == "OPTIONS" or get_running_bot() is not None:
            return True
        raise BotNotRunning(NOT_IN_STATE)


class TradingModeToChange(TradingMode):
    """Trading mode for the methods that change the bot; the endpoint's reads come from the
    database and answer in webserver mode too (``/locks``)."""

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or super().has_permission(request, view)


# The default of REST_FRAMEWORK (the role) plus the mode, for a view's ``permission_classes``.
TRADING = [HasBotRole, TradingMode]
TRADING_TO_CHANGE = [HasBotRole, TradingModeToChange]
