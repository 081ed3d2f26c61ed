from django.urls import path

from interlocal.fees import views

app_name = "fees"
urlpatterns = [
    # the program office
    path("", views.index, name="index"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("payments/new/", views.record_payment, name="record_payment"),
    path("aging/", views.aging, name="aging"),
    path("aging.csv", views.aging_csv, name="aging_csv"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/send/", views.send_notice, name="send_notice"),
    path("suppliers/<int:pk>/statement/", views.statement, name="statement"),
    path("suppliers/<int:pk>/statement.csv", views.statement_csv, name="statement_csv"),
    # the supplier portal
    path("account/", views.account, name="account"),
    path("account/invoices/<int:pk>/", views.account_invoice, name="account_invoice"),
    path("account/payments/", views.account_payments, name="account_payments"),
    path("account/statement/", views.account_statement, name="account_statement"),
    path("account/statement.csv", views.account_statement_csv, name="account_statement_csv"),
]
