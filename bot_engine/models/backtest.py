"""A backtest as a stored job: who asked for it, what it was asked, how far it got, its result.

Freqtrade keeps one backtest in memory and forgets it on restart; here each run is a row, so
several may queue and run in worker processes (``bot_engine.backtest.jobs``), and
``/backtest/history*`` is served from the finished rows (the result files are written too).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class BacktestStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the process running it died (restart); never finished
    ABORTED = "aborted"  # stopped on request (GET /backtest/abort)


ACTIVE_STATUSES = (BacktestStatus.PENDING, BacktestStatus.RUNNING)


class BacktestRun(models.Model):
    job_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # /background's job_category: backtest (lookahead_analysis, recursive_analysis later).
    job_category = models.CharField(max_length=30, default="backtest")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who started it when it was not a Django user (the config's API user, an API key's name).
    actor = models.CharField(max_length=150, blank=True)
    # The bot whose config the webserver serves: scopes the rows in the admin like trades.
    bot = models.ForeignKey(
        "bot_engine.Bot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bot_name = models.CharField(max_length=100, blank=True)
    config_files = models.JSONField(default=list, blank=True)
    strategy = models.CharField(max_length=100)
    options = models.JSONField(default=dict, blank=True, help_text="The start request's body.")
    # local (process pool) | celery | file (a stored result adopted into the history)
    backend = models.CharField(max_length=10, default="local")
    status = models.CharField(
        max_length=12, choices=BacktestStatus.choices, default=BacktestStatus.PENDING
    )
    step = models.CharField(max_length=40, blank=True)
    progress = models.FloatField(default=0.0)
    trade_count = models.IntegerField(null=True, blank=True)
    status_msg = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    # /background's progress_tasks: {"0": {"progress", "total", "description"}, ...}.
    progress_tasks = models.JSONField(default=dict, blank=True)
    abort_requested = models.BooleanField(default=False)
    # DELETE /backtest: no longer its starter's current job (GET /backtest: not_started);
    # the row stays for /background and, if it finished, /backtest/history.
    dismissed = models.BooleanField(default=False)
    # DELETE /background/{id} or /background/clear: gone from /background, still in history.
    cleared = models.BooleanField(default=False)
    result = models.JSONField(null=True, blank=True, help_text="The result document.")
    filename = models.CharField(max_length=200, blank=True, db_index=True)
    notes = models.TextField(blank=True)
    run_id = models.CharField(max_length=64, blank=True)
    timeframe = models.CharField(max_length=10, blank=True)
    backtest_start_ts = models.BigIntegerField(null=True, blank=True)
    backtest_end_ts = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "backend"], name="backtest_status_backend")]

    def __str__(self) -> str:
        return f"Backtest {self.strategy} {self.job_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
