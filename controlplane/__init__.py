"""The Django project: settings built from the bot config, URLs and the ASGI application."""
