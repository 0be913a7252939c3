"""The Django project: settings built from the bot config, URLs and the ASGI application."""

# Django's Celery pattern: the app exists whenever Django does, so the backtest task's
# ``delay`` goes to the configured broker (controlplane/celery.py).
from controlplane.celery import app as celery_app

__all__ = ("celery_app",)
