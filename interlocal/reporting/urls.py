from django.urls import path

from interlocal.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("obligations/<int:pk>/", views.obligation, name="obligation"),
    path("obligations/<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/problems.csv", views.problems_csv, name="problems_csv"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("review/", views.review_queue, name="review_queue"),
    path("customers/<int:pk>/decide/", views.decide, name="decide"),
    path("dispersion/", views.dispersion, name="dispersion"),
    path("quality/", views.quality, name="quality"),
    path("fields/", views.fields, name="fields"),
    path("template.csv", views.template_file, {"fmt": "csv"}, name="template_csv"),
    path("template.xlsx", views.template_file, {"fmt": "xlsx"}, name="template_xlsx"),
]
