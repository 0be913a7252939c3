"""The Celery application of the backtest jobs (used only when ``api_server.redis_url`` is set).

Run workers with the bot's config, on this machine or any other that reaches the database and
the Redis: ``TRADEPLANE_CONFIG=config.json celery -A controlplane worker``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")

app = Celery("controlplane")
# CELERY_* in controlplane/settings.py (the broker is the config's api_server.redis_url).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["bot_engine.backtest"])
