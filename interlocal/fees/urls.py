from django.urls import path

from interlocal.fees.views import distribution, ledger

app_name = "fees"
urlpatterns = [
    # the program office
    path("", ledger.index, name="index"),
    path("invoices/<int:pk>/", ledger.invoice, name="invoice"),
    path("payments/new/", ledger.record_payment, name="record_payment"),
    path("aging/", ledger.aging, name="aging"),
    path("aging.csv", ledger.aging_csv, name="aging_csv"),
    path("notices/", ledger.notice_list, name="notices"),
    path("notices/<int:pk>/", ledger.notice, name="notice"),
    path("notices/<int:pk>/send/", ledger.send_notice, name="send_notice"),
    path("suppliers/<int:pk>/statement/", ledger.statement, name="statement"),
    path("suppliers/<int:pk>/statement.csv", ledger.statement_csv, name="statement_csv"),
    # distribution: runs, approved costs, policies
    path("distribution/", distribution.index, name="distribution"),
    path("distribution/<str:period>/", distribution.period, name="distribution_period"),
    path("distribution/<str:period>/prepare/", distribution.prepare, name="distribution_prepare"),
    path("distribution/<str:period>/approve/", distribution.approve, name="distribution_approve"),
    path(
        "distribution/<str:period>/withdraw/", distribution.withdraw, name="distribution_withdraw"
    ),
    path("costs/", distribution.costs, name="costs"),
    path("policies/", distribution.policies, name="policies"),
    path("policies/new/", distribution.new_policy, name="new_policy"),
    path("policies/<int:pk>/end/", distribution.end_policy, name="end_policy"),
    # the supplier portal
    path("account/", ledger.account, name="account"),
    path("account/invoices/<int:pk>/", ledger.account_invoice, name="account_invoice"),
    path("account/payments/", ledger.account_payments, name="account_payments"),
    path("account/statement/", ledger.account_statement, name="account_statement"),
    path("account/statement.csv", ledger.account_statement_csv, name="account_statement_csv"),
]
