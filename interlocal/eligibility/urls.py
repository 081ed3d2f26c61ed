from django.urls import path

from interlocal.eligibility import views

app_name = "eligibility"
urlpatterns = [
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/<str:rule_id>/", views.rule_detail, name="rule_detail"),
    path("rules/<str:rule_id>/versions/<int:version>/", views.rule_version, name="rule_version"),
    path("rules/<str:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("agreements/<int:pk>/verdict/", views.agreement_verdict, name="agreement_verdict"),
    path(
        "agreements/<int:pk>/verdict/partial/",
        views.agreement_verdict_partial,
        name="agreement_verdict_partial",
    ),
]
