"""Top-level URL table: the Freqtrade-compatible API and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("api.urls")),
]

handler400 = "api.views.errors.bad_request"
handler404 = "api.views.errors.not_found"
handler500 = "api.views.errors.server_error"
