"""The admin: read-only trade tables (operators look, the engine writes), the bot registry,
per-bot roles, API keys and the audit trail. Role and key changes made here are audited."""

from django.contrib import admin, messages

from bot_engine.models import ApiKey, AuditEvent, Bot, BotRole, Order, Outcome, PairLock, Trade
from bot_engine.services import access
from bot_engine.services.audit import Actor, record


class ReadOnlyAdmin(admin.ModelAdmin):
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
class BotAdmin(admin.ModelAdmin):
    """The registry: runbot fills it at each start; only ``api_url`` may be edited by hand
    (a bot on another host), by users with the change permission."""

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

    def save_model(self, request, obj, form, change) -> None:
        before = Bot.objects.filter(pk=obj.pk).values_list("api_url", flat=True).first()
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
    record(
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
class BotRoleAdmin(admin.ModelAdmin):
    list_display = ("bot", "user", "group", "role", "created_at")
    list_filter = ("bot", "role")
    search_fields = ("user__username", "group__name", "bot__name")
    list_select_related = ("bot", "user", "group")
    autocomplete_fields = ("user", "group")

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
    with the list action; nothing else about a key changes."""

    list_display = ("name", "prefix", "user", "scope", "created_at", "last_used_at", "revoked_at")
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__username")
    actions = ["revoke"]
    autocomplete_fields = ("user",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("name", "user", "scope", "bots", "expires_at")
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
        key, raw = access.api_key_create(
            user=obj.user,
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
    list_display = ("created_at", "bot", "actor", "via", "action", "target", "outcome")
    list_filter = ("bot", "outcome", "via", "action")
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
    list_filter = ("bot", "is_open", "exit_reason", "strategy", "pair")
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
    list_filter = ("bot", "status", "ft_order_side", "order_type", "ft_pair")
    search_fields = ("order_id", "ft_pair")
    list_select_related = ("bot",)


@admin.register(PairLock)
class PairLockAdmin(ReadOnlyAdmin):
    list_display = ("id", "bot", "pair", "side", "reason", "lock_time", "lock_end_time", "active")
    list_filter = ("bot", "active", "side", "pair")
    search_fields = ("pair", "reason")
