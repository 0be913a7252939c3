"""Websocket URL routes, served by ``api.asgi_app`` next to Django's HTTP app."""

from __future__ import annotations

from django.urls import path

from api.ws.consumer import BotMessageConsumer
from api.ws.relay import BotMessageRouter

websocket_urlpatterns = [
    path("api/v1/message/ws", BotMessageConsumer.as_asgi(), name="message_ws"),
    # Any bot of the registry under this origin (api/ws/relay.py; HTTP side: api/proxy.py).
    path("bots/<str:name>/api/v1/message/ws", BotMessageRouter(), name="bot_message_ws"),
]
