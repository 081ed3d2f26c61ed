"""A URLconf with the open data and the API but no solicitation or agreement pages: what the
links fall back to when those apps have not published their views."""

from django.urls import include, path

from config.api import api

urlpatterns = [
    path("opendata/", include("interlocal.opendata.urls", namespace="opendata")),
    path("api/v1/", api.urls),
]
