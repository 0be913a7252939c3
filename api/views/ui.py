"""FreqUI served by the bot (contract §2.5): ``/ui_version``, its files, and ``index.html`` for
every other non-API path (FreqUI's router owns those paths in the browser).

Plain Django views: they answer files and HTML, not the API's JSON. Public, as Freqtrade's are —
the UI logs in through the API. Files come from ``manage.py install_ui``'s folder.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from api.context import served_config
from api.views.errors import json_response, not_found
from bot_engine.services.ui_install import installed_dir, installed_version

# Vite names the files under assets/ by their content hash: a new build has new names, so a
# browser may keep them for a year; everything else (index.html) is revalidated on each load.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# A host's own mime.types can map these wrongly (Freqtrade forces .js for the same reason); a
# module script served with another type is refused by the browser.
for _type, _suffix in (
    ("text/javascript", ".js"),
    ("text/javascript", ".mjs"),
    ("text/css", ".css"),
    ("font/woff2", ".woff2"),
    ("application/json", ".map"),
    ("application/manifest+json", ".webmanifest"),
):
    mimetypes.add_type(_type, _suffix)
# FreqUI's components fetch the icons it does not bundle from Iconify's public API at run time
# (seen in Chromium against the real build): without these, its buttons lose their icons and
# the console fills with refused fetches. Only icons are fetched there; offline they just fail.
ICON_APIS = " ".join(
    f"https://{host}"
    for host in ("api.iconify.design", "api2.iconify.design", "api.simplesvg.com", "api.unisvg.com")
)
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


SAFE_METHODS = ("GET", "HEAD")


@csrf_exempt  # reads only: an unsafe method gets the contract's 405, not a CSRF page
def ui_version(request: HttpRequest) -> HttpResponse:
    if request.method not in SAFE_METHODS:
        return _not_allowed()
    version = installed_version(served_config().user_data_dir)
    return json_response({"version": version or "not_installed"}, 200)


@csrf_exempt
def ui_page(request: HttpRequest, path: str = "") -> HttpResponse:
    """A file of the installed UI, else its ``index.html`` (FreqUI's routes live in the page)."""
    if request.method not in SAFE_METHODS:
        return _not_allowed()
    if any(part.startswith(".") for part in path.split("/")):
        return not_found(request)  # .uiversion and friends are not the UI's files
    root = installed_dir(served_config().user_data_dir)
    index = root / "index.html"
    if not index.is_file():
        response = render(request, "api/ui_not_installed.html", {"docs": _docs_enabled()})
        response["Cache-Control"] = REVALIDATE
        return response
    if path and path != "index.html":
        try:
            response = serve(request, path, document_root=root)
        except Http404:
            pass
        else:
            response["Cache-Control"] = IMMUTABLE if path.startswith("assets/") else REVALIDATE
            return response
    return _index(request, index)


def _index(request: HttpRequest, index: Path) -> HttpResponse:
    body = index.read_bytes()
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = REVALIDATE
    response["Content-Security-Policy"] = ui_content_security_policy(request, body)
    return response


def ui_content_security_policy(request: HttpRequest, index_html: bytes) -> str:
    """The API's policy widened just enough for FreqUI (api/middleware.py has the strict one).

    Scripts: the UI's own files, plus exactly the inline scripts its ``index.html`` carries (by
    hash, so no other inline script runs). Styles: its components set style attributes and
    inject <style> at run time. connect-src names this host's websocket URLs as well as 'self'
    (older browsers do not count ws:// as 'self'), and Iconify's API for the icons.
    """
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in INLINE_SCRIPT.findall(index_html)
        if script.strip()
    ]
    host = request.get_host()
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *hashes]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src 'self' ws://{host} wss://{host} {ICON_APIS}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _not_allowed() -> HttpResponse:
    response = json_response({"detail": "Method Not Allowed"}, 405)
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


def _docs_enabled() -> bool:
    return bool(getattr(settings, "API_ENABLE_OPENAPI", False))
