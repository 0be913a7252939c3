"""Websocket URL routes, served by ``api.asgi_app`` next to Django's HTTP app."""

from __future__ import annotations

from django.urls import path

from api.ws.consumer import BotMessageConsumer

websocket_urlpatterns = [
    path("api/v1/message/ws", BotMessageConsumer.as_asgi(), name="message_ws"),
]
