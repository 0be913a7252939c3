"""Content negotiation: DRF's, with the answer for what API clients send decided without
parsing the ``Accept`` header into media types on every request."""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class ApiContentNegotiation(DefaultContentNegotiation):
    """Picks the first renderer (JSON) for ``Accept`` absent, ``*/*``, or a list without
    parameters naming its media type (FreqUI: ``application/json, text/plain, */*``).

    That is DRF's own answer there: it ignores ``q`` and tries the most specific media types
    first, renderer by renderer, and without parameters no media type is more specific than
    the first renderer's exact one. Everything else (``?format=``, parameters, other types)
    goes through DRF's negotiation.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        if format_suffix or self.settings.URL_FORMAT_OVERRIDE in request.query_params:
            return super().select_renderer(request, renderers, format_suffix)
        first = renderers[0]
        header = request.META.get("HTTP_ACCEPT")
        if header is None or header == "*/*":
            return first, first.media_type
        if ";" not in header and len(header) <= self.max_accept_header_length:
            tokens = header.split(",")
            if len(tokens) <= self.max_accept_tokens and first.media_type in (
                token.strip() for token in tokens
            ):
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
