"""A lock that stops new entries on a pair (or on every pair, ``*``) until a time."""

from __future__ import annotations

from django.db import models


class PairLock(models.Model):
    bot = models.ForeignKey("bot_engine.Bot", on_delete=models.CASCADE, related_name="locks")
    pair = models.CharField(max_length=40)
    side = models.CharField(max_length=25, default="*")  # * | long | short
    reason = models.CharField(max_length=255, null=True, blank=True)
    lock_time = models.DateTimeField()
    lock_end_time = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["bot_id", "id"]
        indexes = [models.Index(fields=["bot", "active", "lock_end_time"], name="lock_bot_active")]

    def __str__(self) -> str:
        return f"Lock {self.pair} until {self.lock_end_time:%Y-%m-%d %H:%M:%S}"
