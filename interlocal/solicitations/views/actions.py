"""Actions posted from the solicitation's page: workflow transitions, the Advisory Board's vote,
addenda, questions and answers."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from interlocal.accounts.models import User
from interlocal.core.forms import add_service_errors
from interlocal.core.ui import require_perm, signed_in_user
from interlocal.solicitations import services
from interlocal.solicitations.forms import (
    AddendumForm,
    AnswerForm,
    AwardForm,
    CancelForm,
    QuestionForm,
    RecommendForm,
    VoteForm,
)
from interlocal.solicitations.models import (
    Addendum,
    Proposal,
    Question,
    ReviewRound,
    Solicitation,
    Status,
)
from interlocal.solicitations.views.common import (
    attempt,
    detail_url,
    load,
    refusal_text,
    visible,
)
from interlocal.solicitations.views.page import SUCCESS, working_page
from interlocal.solicitations.workflow import BY_VOTE, TRANSITIONS


def _transition_form(
    request: HttpRequest, name: str, s: Solicitation, user: User
) -> tuple[str, forms.Form]:
    """The form of a transition's parameters (an empty form when it has none)."""
    if name == "cancel":
        return "cancel", CancelForm(request.POST, prefix="cancel")
    if name == "recommend_award":
        proposals = Proposal.objects.visible_to(user).filter(
            solicitation=s, status=Proposal.Status.SUBMITTED
        )
        return "recommend_award", RecommendForm(
            request.POST, prefix="recommend", proposals=proposals.select_related("supplier")
        )
    if name == "award":
        return "award", AwardForm(request.POST, prefix="award")
    return name, forms.Form(request.POST)


def _params(name: str, form: forms.Form) -> dict[str, Any]:
    data = form.cleaned_data
    if name == "cancel":
        return {"reason": data["reason"]}
    if name == "recommend_award":
        return {"proposal_ids": [p.pk for p in data["proposal_ids"]], "memo": data["memo"]}
    if name == "award":
        assert isinstance(form, AwardForm)
        return {"terms": form.terms()}
    return {}


@require_perm("solicitation:manage")
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the transition named by the button (``transition``) through the one service."""
    s = load(request, pk)
    user = signed_in_user(request)
    name = request.POST.get("transition", "")
    if name not in TRANSITIONS or name in BY_VOTE:
        raise Http404("no such action")
    key, form = _transition_form(request, name, s, user)

    def take() -> Any:
        return services.transition(s, name, actor=user, **_params(name, form))

    def said(done: Any) -> str:
        if name == "close":
            count = done.proposals.filter(status=Proposal.Status.SUBMITTED).count()
            return f"{SUCCESS[name]} {count} proposal{'s' if count != 1 else ''} received."
        if name == "award":
            count = done.agreements.count()
            return f"Awarded: {count} master agreement{'s' if count != 1 else ''} created."
        return SUCCESS[name]

    anchors = {"cancel": "", "recommend_award": "award", "award": "award", "close": "proposals"}
    return attempt(
        request, s, key=key, form=form, action=take, success=said, anchor=anchors.get(name, "")
    )


@require_perm("solicitation:review")
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    review = s.review_rounds.filter(outcome=ReviewRound.Outcome.PENDING).last()
    if review is None:
        messages.error(request, "There is no Advisory Board review open on this solicitation.")
        return redirect(detail_url(s))
    form = VoteForm(request.POST, prefix="vote")
    if form.is_valid():
        try:
            services.cast_vote(
                review,
                actor=user,
                choice=form.cleaned_data["choice"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, refusal_text(exc))
            return working_page(request, s, bound={"vote": form}, status=403)
        else:
            review.refresh_from_db()
            decided = (
                ""
                if review.outcome == ReviewRound.Outcome.PENDING
                else f" The review is decided: {review.get_outcome_display().lower()}."
            )
            messages.success(request, f"Your vote is recorded.{decided}")
            if not visible(request).filter(pk=s.pk).exists():
                # Returned to draft: the draft is the lead agency's again, not the Board's.
                return redirect("solicitations:index")
            return redirect(detail_url(s, "review"))
    return working_page(request, s, bound={"vote": form})


@require_perm("solicitation:manage")
@require_POST
def issue_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    form = AddendumForm(request.POST, prefix="addendum")
    return attempt(
        request,
        s,
        key="addendum",
        form=form,
        action=lambda: services.issue_addendum(
            s,
            actor=user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            new_due_local=form.new_due_local(),
        ),
        success=lambda a: (
            f"Addendum {a.number} issued. Proposers must acknowledge it before they submit."
        ),
        anchor="addenda",
        aliases={"new_due_local": "new_due_date"},
    )


@require_perm("proposal:submit")
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    addendum = get_object_or_404(
        Addendum.objects.select_related("solicitation"), pk=pk, solicitation__in=visible(request)
    )
    s = addendum.solicitation
    try:
        services.acknowledge_addendum(addendum, actor=signed_in_user(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"Not acknowledged: {refusal_text(exc)}")
    else:
        messages.success(request, f"You acknowledged addendum {addendum.number}.")
    if request.POST.get("back") == "proposal":
        return redirect("solicitations:submit_proposal", pk=s.pk)
    return redirect(detail_url(s, "addenda"))


@require_perm("solicitation:ask")
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    s = load(request, pk)
    user = signed_in_user(request)
    form = QuestionForm(request.POST, prefix="question")
    return attempt(
        request,
        s,
        key="question",
        form=form,
        action=lambda: services.ask_question(s, actor=user, text=form.cleaned_data["text"]),
        success=lambda q: (
            "Your question is sent. The answer will be published here for every "
            "proposer, without your name."
        ),
        anchor="questions",
    )


@require_perm("solicitation:answer")
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("solicitation"), pk=pk, solicitation__in=visible(request)
    )
    s = question.solicitation
    form = AnswerForm(request.POST, prefix=f"q{question.pk}")
    user = signed_in_user(request)
    return attempt(
        request,
        s,
        key=f"answer-{question.pk}",
        form=form,
        action=lambda: services.answer_question(
            question, actor=user, answer=form.cleaned_data["answer"]
        ),
        success=lambda q: "Answer published.",
        anchor="questions",
    )


@require_perm("proposal:submit")
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.visible_to(request.user).select_related("solicitation"), pk=pk
    )
    s = proposal.solicitation
    try:
        services.withdraw_proposal(proposal, actor=signed_in_user(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"Not withdrawn: {refusal_text(exc)}")
    else:
        messages.success(
            request,
            "Your proposal is withdrawn. You may submit a new one until the due time."
            if s.status == Status.PUBLISHED
            else "Your proposal is withdrawn.",
        )
    return redirect(detail_url(s, "proposals"))
