"""The ASGI application runbot serves: the API, the admin and its static files."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")

from api.asgi_app import build_application  # noqa: E402  (needs the settings module set)

application = build_application()
