from django.urls import path

from interlocal.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("penetration/", views.penetration, name="penetration"),
    path("growth/", views.growth, name="growth"),
    path("board.pdf", views.board, name="board"),
    path("<slug:slug>/", views.report, name="report"),
]
