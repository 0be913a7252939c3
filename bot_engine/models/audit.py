"""The audit trail: one row per control action, written in the action's own transaction."""

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    OK = "ok"
    FAILED = "failed"  # the action ran and the bot refused it or it failed
    DENIED = "denied"  # the caller may not do this


class AuditEvent(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    bot = models.ForeignKey(
        "bot_engine.Bot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text="Username (or API key owner).")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credential = models.CharField(
        max_length=40, blank=True, help_text="How the actor authenticated (basic, jwt, api key…)."
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=10, default="api")  # api, admin, cli
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bot", "-created_at"], name="audit_bot_recent")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.outcome}"
