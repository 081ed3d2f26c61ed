from django.urls import path

from interlocal.registry import views

app_name = "registry"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("suppliers/", views.supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("about/governance/", views.governance, name="governance"),
    path("register/", views.register_find, name="register_find"),
    path("register/details/", views.register_details, name="register_details"),
    path("register/done/", views.register_done, name="register_done"),
    path("register/confirm/<str:token>/", views.register_confirm, name="register_confirm"),
    path("office/registrations/", views.registration_queue, name="registration_queue"),
    path(
        "media/certifications/<path:name>",
        views.certification_evidence,
        name="certification_evidence",
    ),
    path("office/registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path(
        "office/registrations/<int:pk>/approve/",
        views.registration_decide,
        {"decision": "approve"},
        name="registration_approve",
    ),
    path(
        "office/registrations/<int:pk>/reject/",
        views.registration_decide,
        {"decision": "reject"},
        name="registration_reject",
    ),
]
