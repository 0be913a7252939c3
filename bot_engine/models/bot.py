"""One row per ``bot_name``: the owner that scopes every trade, order and lock."""

from django.db import models


class Bot(models.Model):
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Freqtrade's persisted bot_start_time: set once, at the first start on this database.
    bot_start_time = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
