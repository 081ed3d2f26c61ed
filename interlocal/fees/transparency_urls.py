"""The public transparency pages, at ``/transparency/`` (``fees.views.transparency``)."""

from django.urls import path

from interlocal.fees.views import transparency

app_name = "transparency"
urlpatterns = [
    path("", transparency.index, name="index"),
    path("years.csv", transparency.index_csv, name="index_csv"),
    path("<int:year>/", transparency.year, name="year"),
    path("<int:year>.csv", transparency.year_csv, name="year_csv"),
    path("statements/<slug:slug>/<str:period>/", transparency.statement, name="statement"),
    path(
        "statements/<slug:slug>/<str:period>.csv",
        transparency.statement_csv,
        name="statement_csv",
    ),
    path(
        "statements/<slug:slug>/<str:period>.pdf",
        transparency.statement_pdf,
        name="statement_pdf",
    ),
    # a quarter, as 2026Q3 (anything else is answered with how to write one)
    path("<str:period>/", transparency.quarter, name="quarter"),
]
