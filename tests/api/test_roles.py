"""Per-bot roles over the whole endpoint table: viewer, operator, admin and no access (issue 8).

``EXPECTED`` is this test's own copy of the decisions. A route of ``api/urls.py`` missing here
fails ``test_every_route_has_a_role_decision``: a new endpoint needs a decision in
``api/permissions.py`` and here.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, resolve

from bot_engine.services.access import role_rank
from tests.api.test_matrix import ENDPOINTS
from tests.fixtures.access import basic_client, jwt_client, make_user

PUBLIC = "public"
ANY_LOGIN = "authenticated"
EXPECTED: dict[tuple[str, str], str] = {
    **{
        ("GET", name): "viewer"
        for name in [
            "api_root",
            "version",
            "show_config",
            "logs",
            "sysinfo",
            "health",
            "balance",
            "count",
            "status",
            "trades",
            "trade",
            "list_open_trades_custom_data",
            "list_custom_data",
            "profit",
            "profit_all",
            "stats",
            "performance",
            "entries",
            "exits",
            "mix_tags",
            "daily",
            "weekly",
            "monthly",
            "historic_balance",
            "edge",
            "whitelist",
            "blacklist",
            "locks",
            "pair_candles",
            "pair_history",
            "plot_config",
            "strategies",
            "available_pairs",
            "markets",
            "list_exchanges",
            "list_hyperoptloss",
            "list_freqaimodels",
            "metrics",
        ]
    },
    ("POST", "pair_candles"): "viewer",  # a read with a body
    ("POST", "pair_history"): "viewer",
    ("GET", "strategy"): "operator",  # the strategy's source code
    **{
        ("POST", name): "operator"
        for name in [
            "start",
            "stop",
            "stopbuy",
            "stopentry",
            "pause",
            "forceenter",
            "forcebuy",
            "forceexit",
            "forcesell",
            "blacklist",
            "locks",
            "delete_lock_pair",
            "reload_trade",
        ]
    },
    ("DELETE", "blacklist"): "operator",
    ("DELETE", "delete_lock"): "operator",
    ("DELETE", "cancel_open_order"): "operator",
    ("POST", "reload_config"): "admin",
    ("DELETE", "delete_trade"): "admin",
    ("GET", "audit"): "admin",
    ("GET", "portfolio"): ANY_LOGIN,
    ("GET", "ping"): PUBLIC,
    ("POST", "token_login"): PUBLIC,
    ("POST", "token_refresh"): PUBLIC,
    ("POST", "token_logout"): PUBLIC,
    ("GET", "openapi"): PUBLIC,
    ("GET", "ui_version"): PUBLIC,  # FreqUI's files and version, public as in Freqtrade
    ("GET", "ui"): PUBLIC,
    # backtests (webserver mode): reading is viewing, starting/stopping/deleting is operating
    **{
        ("GET", name): "viewer"
        for name in [
            "backtest",
            "backtest_history",
            "backtest_history_result",
            "backtest_market_change",
            "backtest_wallet",
            "background",
            "background_job",
            "lookahead_analysis_job",
            "recursive_analysis_job",
            "list_pairlists",
            "pairlists_evaluate_get",
        ]
    },
    ("POST", "backtest"): "operator",
    ("DELETE", "backtest"): "operator",
    ("GET", "backtest_abort"): "operator",
    ("PATCH", "backtest_history_file"): "operator",
    ("DELETE", "backtest_history_file"): "operator",
    ("DELETE", "background_job"): "operator",
    ("DELETE", "background_clear"): "operator",
    ("POST", "lookahead_analysis"): "operator",
    ("POST", "recursive_analysis"): "operator",
    ("POST", "pairlists_evaluate"): "operator",
    ("POST", "download_data"): "operator",
}
EXTRA = [
    ("get", "/api/v1/audit", None),
    ("get", "/api/v1/portfolio", None),
    ("get", "/metrics", None),
]
CALLS = [(m, p, b) for m, p, b in ENDPOINTS + EXTRA]
# What an allowed caller gets from the API with no bot running (``webserver``), where not 200:
# 503 where the route needs the running bot, the contract's 404 and 502 answers otherwise.
WEBSERVER_ANSWERS: dict[tuple[str, str], int] = {
    **{
        ("POST", name): 503
        for name in [
            "start",
            "stop",
            "stopbuy",
            "stopentry",
            "pause",
            "reload_config",
            "reload_trade",
            "forceenter",
            "forcebuy",
            "forceexit",
            "forcesell",
            "blacklist",
            "locks",
            "delete_lock_pair",
            "pair_candles",
        ]
    },
    ("GET", "pair_candles"): 503,  # /whitelist and /blacklist answer the config's lists
    **{
        ("DELETE", name): 503
        for name in ["delete_trade", "cancel_open_order", "blacklist", "delete_lock"]
    },
    **{
        ("GET", name): 404 for name in ["trade", "list_open_trades_custom_data", "list_custom_data"]
    },
    **{("GET", name): 502 for name in ["health", "edge", "plot_config"]},
    **{
        (method, name): 404
        for method, name in [
            ("GET", "backtest_history_result"),
            ("PATCH", "backtest_history_file"),
            ("DELETE", "backtest_history_file"),
            ("GET", "backtest_market_change"),
            ("GET", "background_job"),
            ("DELETE", "background_job"),
        ]
    },
    ("GET", "backtest_wallet"): 400,
    # analysis jobs: no timerange (lookahead) / no such strategy file, no such job
    ("POST", "lookahead_analysis"): 400,
    ("POST", "recursive_analysis"): 200,
    ("GET", "lookahead_analysis_job"): 404,
    ("GET", "recursive_analysis_job"): 404,
    ("GET", "pairlists_evaluate_get"): 404,
}
NOT_ROLE_ROUTES = {"rest_framework", "swagger-ui", "bot_api", None}


def url_name(path: str) -> str:
    return resolve(path.split("?")[0]).url_name


def route_names() -> set[str]:
    names = set()
    for pattern in get_resolver("api.urls").url_patterns:
        name = getattr(pattern, "name", None) or getattr(pattern, "namespace", None)
        if name not in NOT_ROLE_ROUTES:
            names.add(name)
    return names


def test_every_route_has_a_role_decision():
    decided = {name for _, name in EXPECTED}
    assert route_names() - decided == set()


@pytest.mark.parametrize(("method", "path", "body"), CALLS, ids=[f"{m} {p}" for m, p, _ in CALLS])
def test_role_matrix(webserver, team, method, path, body):
    needed = EXPECTED[(method.upper(), url_name(path))]
    for who, user in team.items():
        response = getattr(jwt_client(user), method)(path, body, format="json")
        allowed = needed == ANY_LOGIN or role_rank(who) >= role_rank(needed)
        if allowed:  # the same answer as for any caller allowed there, never a 401/403/500
            expected = WEBSERVER_ANSWERS.get((method.upper(), url_name(path)), 200)
            assert response.status_code == expected, (who, response.content[:200])
        else:
            assert response.status_code == 403, (who, response.status_code)
            assert response["Content-Type"] == "application/json"
            assert isinstance(response.json()["detail"], str)


def test_denied_detail_names_the_role_and_the_bot(webserver, team):
    response = jwt_client(team["viewer"]).post("/api/v1/stop")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your role on bot 'api-test-bot' (viewer) does not allow this; it needs operator."
    }
    nobody = jwt_client(team["nobody"]).get("/api/v1/status")
    assert nobody.json() == {"detail": "You have no role on bot 'api-test-bot'."}


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_every_role_logs_in_the_freqtrade_way(webserver, team, role):
    """Basic on each request, then token/login and token/refresh, as FreqUI does."""
    basic = basic_client(role)
    assert basic.get("/api/v1/show_config").status_code == 200
    tokens = basic.post("/api/v1/token/login").json()
    assert set(tokens) == {"access_token", "refresh_token"}
    refresh = jwt_client(team[role])
    refresh.credentials(HTTP_AUTHORIZATION="Bearer " + tokens["refresh_token"])
    access = refresh.post("/api/v1/token/refresh").json()["access_token"]
    bearer = jwt_client(team[role])
    bearer.credentials(HTTP_AUTHORIZATION="Bearer " + access)
    assert bearer.get("/api/v1/count").status_code == 200


def test_wrong_password_and_inactive_user_are_401(webserver, team):
    assert basic_client("viewer", "wrong-password").get("/api/v1/count").status_code == 401
    team["viewer"].is_active = False
    team["viewer"].save()
    assert basic_client("viewer").get("/api/v1/count").status_code == 401
    assert jwt_client(team["viewer"]).get("/api/v1/count").status_code == 401


def test_password_change_ends_the_users_tokens(webserver, team):
    client = jwt_client(team["operator"])
    assert client.get("/api/v1/count").status_code == 200
    team["operator"].set_password("a-new-password-456")
    team["operator"].save()
    assert client.get("/api/v1/count").status_code == 401
    assert basic_client("operator").get("/api/v1/count").status_code == 401


def test_group_roles_and_the_highest_grant_wins(webserver, served_bot):
    from django.contrib.auth.models import Group

    from bot_engine.services import access

    traders = Group.objects.create(name="traders")
    access.role_grant(bot=served_bot, role="operator", group=traders)
    user = make_user("member", bot=served_bot, role="viewer")
    user.groups.add(traders)
    assert jwt_client(user).post("/api/v1/stop").status_code == 503  # allowed, no bot running
    user.groups.remove(traders)
    assert jwt_client(user).post("/api/v1/stop").status_code == 403


def test_a_role_on_another_bot_gives_nothing_here(webserver, served_bot):
    from bot_engine.models import Bot

    other = Bot.objects.create(name="other-bot")
    user = make_user("elsewhere", bot=other, role="admin")
    assert jwt_client(user).get("/api/v1/status").status_code == 403


def test_superuser_is_admin_everywhere(webserver, served_bot):
    root = make_user("root", is_superuser=True, is_staff=True)
    assert jwt_client(root).get("/api/v1/audit").status_code == 200


def test_config_user_stays_the_bots_admin(webserver, served_bot, client_basic):
    assert client_basic.get("/api/v1/audit").status_code == 200
    assert client_basic.post("/api/v1/reload_config").status_code == 503  # allowed, not running
