"""Read-only admin for the trade tables: operators look, the engine writes."""

from django.contrib import admin

from bot_engine.models import Bot, Order, PairLock, Trade


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
class BotAdmin(ReadOnlyAdmin):
    list_display = ("name", "created_at", "bot_start_time")
    search_fields = ("name",)


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
