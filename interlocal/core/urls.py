from django.urls import path

from interlocal.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("office/audit/", views.audit_log, name="audit_log"),
]
