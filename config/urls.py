from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("interlocal/favicon.svg"), permanent=True)),
    path("", include("interlocal.core.urls", namespace="core")),
    path("", include("interlocal.registry.urls", namespace="registry")),
    path("account/", include("interlocal.accounts.urls", namespace="accounts")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
