"""Pair lists and locks: whitelist, blacklist (GET/POST/DELETE), locks (contract §2.4, §3.13)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.audit import ActsForCaller
from api.context import bot_context
from api.params import parse_body, parse_path, parse_query
from api.permissions import TRADING, TRADING_TO_CHANGE
from api.serializers.pairs import (
    BlacklistPayload,
    BlacklistSchema,
    DeleteBlacklistQuery,
    DeleteLockRequest,
    LocksPayload,
    LocksSchema,
    WhitelistSchema,
    locks_body,
)
from bot_engine.config.model import BotConfig
from bot_engine.engine.pairlist import expand_blacklist
from bot_engine.runtime import BotHandle
from bot_engine.selectors.locks import current_locks
from bot_engine.services import locks as lock_services
from bot_engine.services import pairs as pair_services


def pairlist_methods(config: BotConfig) -> list[str]:
    return [str(handler.get("method")) for handler in config.pairlists]


def blacklist_body(bot: BotHandle, errors: dict | None = None) -> dict:
    blacklist = bot.current_blacklist()
    return {
        "blacklist": blacklist,
        "blacklist_expanded": expand_blacklist(blacklist, sorted(bot.markets())),
        "errors": errors or {},
        "length": len(blacklist),
        "method": pairlist_methods(bot.config),
    }


def configured_blacklist_body(config: BotConfig) -> dict:
    """Webserver mode (no engine, no markets): the config's blacklist, its patterns matched
    against the config's whitelist."""
    blacklist = list(config.exchange.pair_blacklist)
    return {
        "blacklist": blacklist,
        "blacklist_expanded": expand_blacklist(blacklist, config.exchange.pair_whitelist),
        "errors": {},
        "length": len(blacklist),
        "method": pairlist_methods(config),
    }


class WhitelistView(APIView):
    """The running bot's pairlist result; in webserver mode (beyond Freqtrade, whose 503 FreqUI
    shows as an error on every page) the config's ``pair_whitelist``."""

    @extend_schema(responses=WhitelistSchema)
    def get(self, request):
        ctx = bot_context()
        if ctx.running is not None:
            whitelist = ctx.running.current_whitelist()
        else:
            whitelist = list(ctx.config.exchange.pair_whitelist)
        return Response(
            {
                "whitelist": whitelist,
                "length": len(whitelist),
                "method": pairlist_methods(ctx.config),
            }
        )


class BlacklistView(ActsForCaller, APIView):
    """Changes need the running bot; the read answers in webserver mode too (the config's)."""

    permission_classes = TRADING_TO_CHANGE

    @extend_schema(responses=BlacklistSchema)
    def get(self, request):
        ctx = bot_context()
        if ctx.running is None:
            return Response(configured_blacklist_body(ctx.config))
        return Response(blacklist_body(ctx.running))

    @extend_schema(request=BlacklistPayload, responses=BlacklistSchema)
    def post(self, request):
        bot = bot_context().running
        pairs = parse_body(request, BlacklistPayload)["blacklist"]
        return Response(blacklist_body(bot, pair_services.blacklist_add(bot=bot, pairs=pairs)))

    @extend_schema(parameters=[DeleteBlacklistQuery], responses=BlacklistSchema)
    def delete(self, request):
        bot = bot_context().running
        pairs = parse_query(request, DeleteBlacklistQuery)["pairs_to_delete"]
        return Response(
            blacklist_body(
                bot,
                pair_services.blacklist_remove(bot=bot, pairs=pairs),
            )
        )


class LocksView(ActsForCaller, APIView):
    permission_classes = TRADING_TO_CHANGE

    @extend_schema(responses=LocksSchema)
    def get(self, request):
        ctx = bot_context()
        return Response(locks_body(current_locks(bot_id=ctx.bot_id, now=ctx.now())))

    @extend_schema(request=LocksPayload(many=True), responses=LocksSchema)
    def post(self, request):
        ctx = bot_context()
        new_locks = parse_body(request, LocksPayload, many=True)
        lock_services.locks_add(bot=ctx.running, new_locks=new_locks)
        return Response(locks_body(current_locks(bot_id=ctx.bot_id, now=ctx.now())))


class LockDeleteView(ActsForCaller, APIView):
    permission_classes = TRADING

    @extend_schema(
        parameters=[OpenApiParameter("lockid", int, OpenApiParameter.PATH)], responses=LocksSchema
    )
    def delete(self, request, lockid: str):
        ctx = bot_context()
        bot = ctx.running
        lock_id = parse_path(lockid, serializers.IntegerField(), "lockid")
        lock_services.locks_delete(bot=bot, lock_id=lock_id)
        return Response(locks_body(current_locks(bot_id=ctx.bot_id, now=ctx.now())))


class LocksDeleteView(ActsForCaller, APIView):
    """``POST /locks/delete`` with ``{"pair"?, "lockid"?}``."""

    permission_classes = TRADING

    @extend_schema(request=DeleteLockRequest, responses=LocksSchema)
    def post(self, request):
        ctx = bot_context()
        bot = ctx.running
        body = parse_body(request, DeleteLockRequest)
        lock_services.locks_delete(
            bot=bot,
            lock_id=body.get("lockid"),
            pair=body.get("pair"),
        )
        return Response(locks_body(current_locks(bot_id=ctx.bot_id, now=ctx.now())))
