"""``GET /api/v1/portfolio``: the visible bots' trades by stake currency and dry/live, summed
by the database (figures checked by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bot_engine.models import Bot, Trade
from bot_engine.selectors.portfolio import portfolio_summary

OPENED = datetime(2018, 1, 10, tzinfo=UTC)
CLOSED = datetime(2018, 1, 11, tzinfo=UTC)


def trade(bot: Bot, number: int, *, stake: float, profit: float | None = None, ratio=None, **kw):
    """An open trade when ``profit`` is None, else a closed one with that close_profit_abs."""
    currency = kw.pop("currency", bot.stake_currency)
    closed = profit is not None
    return Trade.objects.create(
        bot=bot, trade_id=number, exchange="replay", pair=f"ETH/{currency}",
        stake_currency=currency, stake_amount=stake, amount=1, open_rate=stake, open_date=OPENED,
        is_open=not closed, close_date=CLOSED if closed else None, close_profit_abs=profit,
        close_profit=(profit / stake if ratio is None else ratio) if closed else None, **kw,
    )  # fmt: skip


@pytest.fixture
def portfolio_bots(db, webserver):
    """The served bot (BTC, dry), a live USDT bot and a dry USDT bot that once traded BTC."""
    home = Bot.objects.create(
        name=webserver.bot_name, stake_currency="BTC", dry_run=True, starting_balance=1.0
    )
    live = Bot.objects.create(name="live-usdt", stake_currency="USDT", dry_run=False)
    dry = Bot.objects.create(
        name="dry-usdt", stake_currency="USDT", dry_run=True, starting_balance=1000.0
    )
    trade(home, 1, stake=0.05)
    trade(home, 2, stake=0.02)
    trade(home, 3, stake=0.05, profit=0.003)
    trade(home, 4, stake=0.05, profit=-0.001)
    trade(home, 5, stake=0.05, profit=0.0)  # break-even counts as winning, as in /profit
    trade(live, 1, stake=100.0)
    trade(live, 2, stake=100.0, profit=12.5)
    trade(dry, 1, stake=50.0)
    trade(dry, 2, stake=50.0, profit=-3.0)
    trade(dry, 3, stake=0.04, profit=0.01, currency="BTC")  # before its stake currency changed
    Bot.objects.create(name="idle", stake_currency="USDT", dry_run=False)  # no trades at all
    return {"home": home, "live": live, "dry": dry}


@pytest.fixture
def all_visible(monkeypatch):
    """Roles are another module's business: here every bot of the database is visible."""
    monkeypatch.setattr(
        "api.views.portfolio.visible_bot_ids",
        lambda request: list(Bot.objects.values_list("pk", flat=True)),
    )


def row(name, currency, dry_run, balance, *figures):
    opened, stake, closed, profit, won, lost = figures
    return {
        "bot": name, "stake_currency": currency, "dry_run": dry_run, "starting_balance": balance,
        "open_trade_count": opened, "stake_in_open_trades": pytest.approx(stake),
        "closed_trade_count": closed, "realized_profit_abs": pytest.approx(profit),
        "winning_trades": won, "losing_trades": lost,
    }  # fmt: skip


def group(currency, dry_run, balance, per_bot, *figures):
    body = row("", currency, dry_run, balance, *figures)
    del body["bot"]
    return {**body, "bots": [r["bot"] for r in per_bot], "per_bot": per_bot}


def test_route():
    assert reverse("portfolio") == "/api/v1/portfolio"


def test_groups_by_stake_currency_and_dry_or_live(portfolio_bots, all_visible, client_basic):
    response = client_basic.get("/api/v1/portfolio")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    home = row("api-test-bot", "BTC", True, 1.0, 2, 0.07, 3, 0.002, 2, 1)
    dry_btc = row("dry-usdt", "BTC", True, None, 0, 0.0, 1, 0.01, 1, 0)
    live = row("live-usdt", "USDT", False, None, 1, 100.0, 1, 12.5, 1, 0)
    idle = row("idle", "USDT", False, None, 0, 0.0, 0, 0.0, 0, 0)
    dry_usdt = row("dry-usdt", "USDT", True, 1000.0, 1, 50.0, 1, -3.0, 0, 1)
    assert response.json() == {
        "groups": [
            # BTC dry: 2 + 0 open (0.05 + 0.02), 3 + 1 closed, 0.003 - 0.001 + 0 + 0.01
            group("BTC", True, 1.0, [home, dry_btc], 2, 0.07, 4, 0.012, 3, 1),
            # USDT live: wallets are the exchange's, so no starting balance
            group("USDT", False, None, [idle, live], 1, 100.0, 1, 12.5, 1, 0),
            group("USDT", True, 1000.0, [dry_usdt], 1, 50.0, 1, -3.0, 0, 1),
        ]
    }


def test_a_bot_not_visible_is_left_out(portfolio_bots, monkeypatch, client_basic):
    visible = [portfolio_bots["home"].pk, portfolio_bots["live"].pk]
    monkeypatch.setattr("api.views.portfolio.visible_bot_ids", lambda request: visible)
    groups = client_basic.get("/api/v1/portfolio").json()["groups"]
    assert [(g["stake_currency"], g["dry_run"], g["bots"]) for g in groups] == [
        ("BTC", True, ["api-test-bot"]),
        ("USDT", False, ["live-usdt"]),
    ]
    assert groups[0]["closed_trade_count"] == 3  # dry-usdt's BTC trade is not in it


def test_the_served_bot_is_visible_without_roles(portfolio_bots, client_basic):
    groups = client_basic.get("/api/v1/portfolio").json()["groups"]
    names = {name for g in groups for name in g["bots"]}
    assert "api-test-bot" in names


def test_no_visible_bot_is_an_empty_list(portfolio_bots, monkeypatch, client_basic):
    monkeypatch.setattr("api.views.portfolio.visible_bot_ids", lambda request: [])
    assert client_basic.get("/api/v1/portfolio").json() == {"groups": []}


def test_two_queries_whatever_the_number_of_trades(portfolio_bots):
    ids = [bot.pk for bot in portfolio_bots.values()]
    with CaptureQueriesContext(connection) as queries:
        portfolio_summary(bot_ids=ids)
    assert len(queries) == 2
    trade_sql = next(q["sql"] for q in queries if '"bot_engine_trade"' in q["sql"])
    assert "GROUP BY" in trade_sql


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic dGVzdGVyOm5vcGU="])
def test_without_credentials_is_401(portfolio_bots, anon_client, header):
    if header:
        anon_client.credentials(HTTP_AUTHORIZATION=header)
    response = anon_client.get("/api/v1/portfolio")
    assert response.status_code == 401 and "detail" in response.json()


def test_roles_decide_which_bots_a_user_sees(portfolio_bots):
    """Real roles (no monkeypatch): a grant per bot, an API key limited to one bot."""
    from bot_engine.services import access
    from tests.fixtures.access import bearer_client, jwt_client, make_user

    user = make_user("partner", bot=portfolio_bots["live"], role="viewer")
    access.role_grant(bot=portfolio_bots["dry"], role="operator", user=user)

    def names(client) -> set[str]:
        body = client.get("/api/v1/portfolio").json()
        return {bot["bot"] for g in body["groups"] for bot in g["per_bot"]}

    assert names(jwt_client(user)) == {"live-usdt", "dry-usdt"}
    _, raw = access.api_key_create(user=user, name="k", scope="read", bots=[portfolio_bots["dry"]])
    assert names(bearer_client(raw)) == {"dry-usdt"}
    assert names(jwt_client(make_user("stranger"))) == set()
