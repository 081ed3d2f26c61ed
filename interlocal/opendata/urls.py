from django.urls import path

from interlocal.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("ocds/", views.releases, name="releases"),
    # An ocid is the prefix and the solicitation number, which may contain a slash.
    path("ocds/records/<path:ocid>/", views.record, name="record"),
]
