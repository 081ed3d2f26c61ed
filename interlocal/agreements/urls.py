from django.urls import path

from interlocal.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.index, name="index"),
    path("expiring/", views.expiring, name="expiring"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/packet/", views.packet_summary, name="packet"),
    path("<int:pk>/packet.zip", views.packet_zip, name="packet_zip"),
    path("<int:pk>/price-file.csv", views.price_file_csv, name="price_file_csv"),
    path("<int:pk>/price-file/upload/", views.upload_price_file, name="upload_price_file"),
    path(
        "<int:pk>/price-file/errors/<str:token>.csv",
        views.price_file_errors,
        name="price_file_errors",
    ),
    path("price-file-template.csv", views.price_file_template, name="price_file_template"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/fees/", views.fee_schedule, name="fee_schedule"),
    path("<int:pk>/documents/new/", views.add_document, name="add_document"),
    path("documents/<int:pk>/", views.document, name="document"),
]
