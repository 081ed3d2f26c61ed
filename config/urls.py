from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("interlocal.core.urls", namespace="core")),
    path("", include("interlocal.registry.urls", namespace="registry")),
    path("solicitations/", include("interlocal.solicitations.urls", namespace="solicitations")),
    path("agreements/", include("interlocal.agreements.urls", namespace="agreements")),
    path("eligibility/", include("interlocal.eligibility.urls", namespace="eligibility")),
    path("reports/", include("interlocal.reporting.urls", namespace="reporting")),
    path("fees/", include("interlocal.fees.urls", namespace="fees")),
    path("transparency/", include("interlocal.fees.transparency_urls")),
    path("analytics/", include("interlocal.analytics.urls", namespace="analytics")),
    path("opendata/", include("interlocal.opendata.urls", namespace="opendata")),
    path("account/", include("interlocal.accounts.urls", namespace="accounts")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
