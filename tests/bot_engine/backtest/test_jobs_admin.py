"""Backtest jobs in the admin: listed read-only, scoped to the bots the user has a role on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from bot_engine.models import BacktestRun, Bot
from tests.fixtures.access import make_user


@pytest.fixture
def jobs_of_two_bots(webserver, served_bot) -> dict[str, BacktestRun]:
    beta = Bot.objects.create(name="beta")
    return {
        name: BacktestRun.objects.create(
            bot=bot, bot_name=bot.name, strategy=f"{name.upper()}Strategy", options={}
        )
        for name, bot in (("alpha", served_bot), ("beta", beta))
    }


def staff_viewer(bot: Bot) -> Client:
    user = make_user("staffer", bot=bot, role="viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_backtestrun"))
    browser = Client()
    browser.force_login(user)
    return browser


def test_jobs_are_listed_for_the_bots_the_user_may_see(jobs_of_two_bots, served_bot):
    browser = staff_viewer(served_bot)
    page = browser.get("/admin/bot_engine/backtestrun/").content.decode()
    assert "ALPHAStrategy" in page and "BETAStrategy" not in page
    beta = jobs_of_two_bots["beta"]
    assert browser.get(f"/admin/bot_engine/backtestrun/{beta.pk}/change/").status_code == 302


def test_jobs_are_read_only(jobs_of_two_bots):
    root = make_user("root", is_superuser=True, is_staff=True)
    browser = Client()
    browser.force_login(root)
    alpha = jobs_of_two_bots["alpha"]
    assert browser.get("/admin/bot_engine/backtestrun/add/").status_code == 403
    page = browser.get(f"/admin/bot_engine/backtestrun/{alpha.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    delete = browser.post(f"/admin/bot_engine/backtestrun/{alpha.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403 and BacktestRun.objects.filter(pk=alpha.pk).exists()
