"""The ASGI application runbot serves: Django, with static files (admin) from the same process."""

from __future__ import annotations

import os


def build_application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    return ASGIStaticFilesHandler(get_asgi_application())
