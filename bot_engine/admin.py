"""The admin: read-only trade tables (operators look, the engine writes), the bot registry,
per-bot roles, API keys and the audit trail. Role and key changes made here are audited.

Every table is scoped like the API: a user sees the rows of the bots they hold a role on
(``bot_engine.services.access``), the config's API user the rows of its own bot, a superuser
everything. Several bots may share one database, so the Django permissions alone (which are
per table, not per bot) would show every bot's rows to anyone allowed to view the table.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from bot_engine.models import (
    ApiKey,
    AuditEvent,
    BacktestRun,
    Bot,
    BotRole,
    Order,
    Outcome,
    PairLock,
    Role,
    Trade,
)
from bot_engine.services import access
from bot_engine.services.audit import Actor, audit_event_record

BOT_FILTER = ("bot", admin.RelatedOnlyFieldListFilter)  # names only the bots in the scope


def scoped_bot_ids(request: HttpRequest, minimum: Role = Role.VIEWER) -> list[int] | None:
    """Ids of the bots on which the request's user holds ``minimum`` or more; None: every bot.

    The roles are read once per request (one query), however many rows or tables it shows.
    """
    if not hasattr(request, "_tradeplane_bot_roles"):
        session = getattr(request, "session", None)
        request._tradeplane_bot_roles = access.session_bot_roles(request.user, session)
    roles = request._tradeplane_bot_roles
    if roles is None:
        return None
    rank = access.role_rank(minimum)
    return [bot_id for bot_id, role in roles.items() if access.role_rank(role) >= rank]


class BotScopedAdmin(admin.ModelAdmin):
    """Only the rows of bots the user holds ``scope_role`` (or more) on; ``bot_lookup`` is
    the path from a row to its bot's id."""

    bot_lookup = "bot"
    scope_role = Role.VIEWER

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        bot_ids = scoped_bot_ids(request, self.scope_role)
        if bot_ids is None:
            return queryset
        return queryset.filter(**{f"{self.bot_lookup}__in": bot_ids})


class ReadOnlyAdmin(BotScopedAdmin):
    """View permission only: trades move money, so the admin never edits them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrderInline(admin.TabularInline):
    model = Order
    extra = 0
    can_delete = False
    fields = (
        "order_id",
        "ft_order_side",
        "order_type",
        "status",
        "price",
        "average",
        "amount",
        "filled",
        "cost",
        "order_date",
        "order_filled_date",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bot)
class BotAdmin(BotScopedAdmin):
    """The registry: runbot fills it at each start; only ``api_url`` may be edited by hand
    (a bot on another host), and only by a superuser."""

    bot_lookup = "pk"

    list_display = ("name", "stake_currency", "dry_run", "exchange", "strategy", "api_url")
    search_fields = ("name",)
    fields = (
        "name",
        "api_url",
        "stake_currency",
        "dry_run",
        "starting_balance",
        "exchange",
        "strategy",
        "created_at",
        "bot_start_time",
        "last_started_at",
    )
    readonly_fields = tuple(f for f in fields if f != "api_url")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # The /bots/<name>/ proxy sends callers' credentials to api_url: whoever may point it
        # at their own listener collects every login of that bot, so change_bot is not enough.
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        before = Bot.objects.filter(pk=obj.pk).values_list("api_url", flat=True).first()
        # Only a superuser gets here (has_change_permission); the URL they set is vouched for,
        # so the /bots/ proxy forwards credentials to it (a bot on another host) until the
        # bot's next start registers its own URL again.
        obj.registered_api_url = obj.api_url
        super().save_model(request, obj, form, change)
        audit_admin_change(
            request, "set_api_url", obj.pk, obj.name, {"api_url": before}, {"api_url": obj.api_url}
        )


def admin_actor(request) -> Actor:
    return Actor(
        name=request.user.get_username(),
        user_id=request.user.pk,
        credential="session",
        remote_addr=request.META.get("REMOTE_ADDR"),
        via="admin",
    )


def audit_admin_change(request, action: str, bot_id, target: str, before, after) -> None:
    """Record a change made in the admin (inside the admin's own transaction)."""
    audit_event_record(
        actor=admin_actor(request),
        bot_id=bot_id,
        action=action,
        outcome=Outcome.OK,
        target=target,
        before=before,
        after=after,
    )


def _grant_row(grant: BotRole) -> dict:
    return {"role": grant.role, "user": str(grant.user or ""), "group": str(grant.group or "")}


@admin.register(BotRole)
class BotRoleAdmin(BotScopedAdmin):
    """Who may do what on a bot is that bot's admins' business: a non-superuser sees and
    grants roles only on the bots they are admin of."""

    scope_role = Role.ADMIN
    list_display = ("bot", "user", "group", "role", "created_at")
    list_filter = (BOT_FILTER, "role")
    search_fields = ("user__username", "group__name", "bot__name")
    list_select_related = ("bot", "user", "group")
    autocomplete_fields = ("user", "group")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "bot":
            bot_ids = scoped_bot_ids(request, Role.ADMIN)
            if bot_ids is not None:
                kwargs["queryset"] = Bot.objects.filter(pk__in=bot_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        before = _grant_row(BotRole.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        target = str(obj.user or obj.group)
        audit_admin_change(request, "grant_role", obj.bot_id, target, before, _grant_row(obj))

    def delete_model(self, request, obj) -> None:
        audit_admin_change(
            request, "revoke_role", obj.bot_id, str(obj.user or obj.group), _grant_row(obj), None
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for grant in queryset:
            self.delete_model(request, grant)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made here (the value is shown once, then only its hash is kept) and revoked
    with the list action; nothing else about a key changes.

    A key acts as its owner (capped by its scope), so a user mints and sees keys for
    themselves only: a key can never carry more than its creator's own roles. Minting for
    another user is a superuser's act, audited like every key.
    """

    list_display = ("name", "prefix", "user", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]
    autocomplete_fields = ("user",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "bots":
            bot_ids = scoped_bot_ids(request)
            if bot_ids is not None:
                kwargs["queryset"] = Bot.objects.filter(pk__in=bot_ids)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            owner = ("user",) if request.user.is_superuser else ()  # else: the creator
            return ("name", *owner, "scope", "bots", "expires_at")
        return (
            "name",
            "prefix",
            "user",
            "scope",
            "bots",
            "expires_at",
            "last_used_at",
            "revoked_at",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked keys stay, so the audit trail keeps pointing at something

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        owner = obj.user if request.user.is_superuser else request.user
        key, raw = access.api_key_create(
            user=owner,
            name=obj.name,
            scope=obj.scope,
            bots=form.cleaned_data.get("bots") or (),
            expires_at=obj.expires_at,
        )
        obj.pk = key.pk
        audit_admin_change(request, "create_api_key", None, str(key), None, _key_row(key))
        messages.warning(
            request, f"API key {key.name}: {raw} — copy it now, it will not be shown again."
        )

    def save_related(self, request, form, formsets, change) -> None:
        """The bots were set by ``api_key_create``."""

    @admin.action(description="Revoke the selected API keys")
    def revoke(self, request, queryset) -> None:
        for key in queryset:
            before = _key_row(key)
            if access.api_key_revoke(key=key):
                audit_admin_change(request, "revoke_api_key", None, str(key), before, _key_row(key))


def _key_row(key: ApiKey) -> dict:
    return {
        "prefix": key.prefix,
        "user": key.user.get_username(),
        "scope": key.scope,
        "revoked": key.revoked_at is not None,
    }


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """A bot's trail is for its admins (as ``GET /audit``); rows of no bot (API keys) are
    shown to superusers only."""

    scope_role = Role.ADMIN
    list_display = ("created_at", "bot", "actor", "via", "action", "target", "outcome")
    list_filter = (BOT_FILTER, "outcome", "via", "action")
    search_fields = ("actor", "action", "target", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("bot",)


@admin.register(Trade)
class TradeAdmin(ReadOnlyAdmin):
    list_display = (
        "trade_id",
        "bot",
        "pair",
        "is_open",
        "open_date",
        "close_date",
        "open_rate",
        "close_rate",
        "stake_amount",
        "close_profit_abs",
        "close_profit",
        "exit_reason",
        "enter_tag",
    )
    list_filter = (BOT_FILTER, "is_open", "exit_reason", "strategy", "pair")
    search_fields = ("pair", "enter_tag", "exit_reason", "=trade_id")
    date_hierarchy = "open_date"
    ordering = ("-open_date",)
    list_select_related = ("bot",)
    inlines = [OrderInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "order_id",
        "bot",
        "ft_pair",
        "ft_order_side",
        "order_type",
        "status",
        "price",
        "average",
        "filled",
        "cost",
        "order_date",
    )
    list_filter = (BOT_FILTER, "status", "ft_order_side", "order_type", "ft_pair")
    search_fields = ("order_id", "ft_pair")
    list_select_related = ("bot",)


@admin.register(PairLock)
class PairLockAdmin(ReadOnlyAdmin):
    list_display = ("id", "bot", "pair", "side", "reason", "lock_time", "lock_end_time", "active")
    list_filter = (BOT_FILTER, "active", "side", "pair")
    search_fields = ("pair", "reason")


@admin.register(BacktestRun)
class BacktestRunAdmin(ReadOnlyAdmin):
    """Backtest jobs: who started what, how far it got, its result (the API changes them)."""

    list_display = (
        "created_at",
        "bot",
        "strategy",
        "status",
        "progress",
        "trade_count",
        "created_by",
        "actor",
        "backend",
        "filename",
    )
    list_filter = (BOT_FILTER, "status", "backend", "strategy")
    search_fields = ("strategy", "filename", "actor", "=job_id")
    date_hierarchy = "created_at"
    list_select_related = ("bot", "created_by")
    exclude = ("result",)  # megabytes of trades; the API's /backtest/history/result shows it
