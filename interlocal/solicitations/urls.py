from django.urls import path

from interlocal.solicitations import views

app_name = "solicitations"
urlpatterns = [
    # public reads
    path("", views.index, name="index"),
    path("feed/", views.feed, name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    # drafting
    path("new/", views.create, name="create"),
    path("weights-total/", views.weights_total_fragment, name="weights_total"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/documents/", views.add_document, name="add_document"),
    path("<int:pk>/advertisements/", views.advertise, name="advertise"),
    # workflow and the Advisory Board
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    # while open
    path("<int:pk>/addenda/", views.issue_addendum, name="issue_addendum"),
    path("addenda/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/questions/", views.ask, name="ask"),
    path("questions/<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/proposal/", views.submit_proposal, name="submit_proposal"),
    path("proposals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("proposal-documents/<int:pk>/", views.proposal_document, name="proposal_document"),
    # evaluation
    path("<int:pk>/committee/", views.appoint, name="appoint"),
    path("<int:pk>/declaration/", views.declare, name="declare"),
    path("<int:pk>/scores/", views.score, name="score"),
]
