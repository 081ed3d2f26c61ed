from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("interlocal.core.urls", namespace="core")),
    path("", include("interlocal.registry.urls", namespace="registry")),
    path("account/", include("interlocal.accounts.urls", namespace="accounts")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
