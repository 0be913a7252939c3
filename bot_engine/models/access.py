"""Who may do what on which bot: per-bot roles for users and groups, and API keys."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    """Ordered: each role may do everything the ones before it may."""

    VIEWER = "viewer", "viewer (read endpoints)"
    OPERATOR = "operator", "operator (+ start/stop/pause, force entry/exit, locks, blacklist)"
    ADMIN = "admin", "admin (+ reload_config, delete trade, config, audit)"


ROLE_ORDER = [Role.VIEWER, Role.OPERATOR, Role.ADMIN]


class BotRole(models.Model):
    """A user's or a group's role on one bot."""

    bot = models.ForeignKey("bot_engine.Bot", on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bot_roles",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="bot_roles"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bot__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="botrole_user_xor_group",
            ),
            models.UniqueConstraint(fields=["bot", "user"], name="botrole_one_per_user"),
            models.UniqueConstraint(fields=["bot", "group"], name="botrole_one_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.group}: {self.role} on {self.bot}"


class ApiKeyScope(models.TextChoices):
    READ = "read", "read (viewer endpoints)"
    CONTROL = "control", "control (viewer and operator endpoints)"


class ApiKey(models.Model):
    """A long-lived bearer credential for scripts and dashboards; only its hash is stored.

    It acts as its owner, capped by its scope and (when set) limited to ``bots``.
    """

    name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(max_length=10, choices=ApiKeyScope.choices)
    bots = models.ManyToManyField(
        "bot_engine.Bot",
        blank=True,
        related_name="api_keys",
        help_text="Leave empty for every bot the owner may access.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
