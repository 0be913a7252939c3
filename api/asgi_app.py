"""The ASGI application runbot serves: HTTP (API, admin, static files) and the websocket.

Building it also connects the engine's events to the channel layer (``install_publisher``), so
whichever process serves this application pushes what its engine does to websocket clients.
"""

from __future__ import annotations

import os


def build_application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controlplane.settings")
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    http = ASGIStaticFilesHandler(get_asgi_application())  # sets Django up: import after it

    from channels.routing import ProtocolTypeRouter, URLRouter

    from api.ws.publisher import install_publisher
    from api.ws.routing import websocket_urlpatterns

    install_publisher()
    return ProtocolTypeRouter({"http": http, "websocket": URLRouter(websocket_urlpatterns)})
