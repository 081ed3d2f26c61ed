from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interlocal.core.forms import add_service_errors
from interlocal.core.ui import (
    acting_user,
    page_or_fragment,
    paginate,
    querystring_without_page,
    require_perm,
    signed_in_user,
)
from interlocal.registry import eligibility_evidence, queries, services
from interlocal.registry.forms import (
    DirectoryFilterForm,
    RegistrationForm,
    SupplierFilterForm,
)
from interlocal.registry.models import (
    AdvisoryBoardMember,
    Agency,
    AgencyType,
    Certification,
    Foundation,
    Registration,
    Sponsor,
    Supplier,
)


@require_perm("agency:view")
def agency_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = queries.search_agencies(
        viewer=request.user,
        **{k: filters.get(k, "") for k in ("q", "state", "agency_type", "participating")},
    )
    context = {
        "form": form,
        "page": paginate(request, agencies),
        "querystring": querystring_without_page(request),
    }
    return page_or_fragment(
        request, "registry/agency_list.html", "registry/_agency_results.html", context
    )


@require_perm("agency:view")
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(
        Agency.objects.visible_to(request.user).select_related("state", "county", "parent"), pk=pk
    )
    return render(
        request,
        "registry/agency_detail.html",
        {
            "agency": agency,
            "children": agency.children.select_related("state").order_by("name")[:50],
            "aliases": agency.aliases.all(),
            "domains": agency.domains.all(),
        },
    )


@require_perm("supplier:view")
def supplier_list(request: HttpRequest) -> HttpResponse:
    form = SupplierFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    suppliers = queries.search_suppliers(
        viewer=request.user, q=filters.get("q", ""), certification=filters.get("certification", "")
    ).prefetch_related("certifications")
    return render(
        request,
        "registry/supplier_list.html",
        {
            "form": form,
            "page": paginate(request, suppliers),
            "querystring": querystring_without_page(request),
        },
    )


@require_perm("supplier:view")
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.visible_to(request.user), pk=pk)
    certifications = supplier.certifications.order_by("kind")
    counting = set(
        Certification.objects.counting().filter(supplier=supplier).values_list("pk", flat=True)
    )
    return render(
        request,
        "registry/supplier_detail.html",
        {
            "supplier": supplier,
            "certifications": [(c, c.pk in counting) for c in certifications],
        },
    )


@require_perm("registration:submit")
def register_find(request: HttpRequest) -> HttpResponse:
    """Step 1: find your agency in the universe (or propose a new one)."""
    form = DirectoryFilterForm(request.GET or None)
    page = None
    if form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["state"]):
        agencies = queries.search_agencies(
            viewer=request.user,
            q=form.cleaned_data["q"],
            state=form.cleaned_data["state"],
            agency_type=form.cleaned_data["agency_type"],
        )
        page = paginate(request, agencies, per_page=15)
    return page_or_fragment(
        request,
        "registry/register_find.html",
        "registry/_register_results.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


@require_perm("registration:submit")
def register_details(request: HttpRequest) -> HttpResponse:
    """Step 2: the contact signs the participation terms for the chosen or proposed agency."""
    agency = None
    agency_id = request.GET.get("agency") or request.POST.get("agency")
    if agency_id:
        agency = get_object_or_404(Agency.objects.select_related("state"), pk=agency_id)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        req = services.RegistrationRequest(
            agency_id=agency.pk if agency else None,
            proposed_name=data["proposed_name"],
            proposed_type=data["proposed_type"],
            proposed_state=data["proposed_state"],
            proposed_city=data["proposed_city"],
            ein=data["ein"],
            contact_name=data["contact_name"],
            contact_title=data["contact_title"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            signed_name=data["signed_name"],
            accepted_terms=data["accepted_terms"],
        )
        try:
            registration = services.submit_registration(actor=acting_user(request), req=req)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["registration_id"] = registration.pk
            return redirect("registry:register_done")
    return render(
        request,
        "registry/register_details.html",
        {
            "form": form,
            "agency": agency,
            "terms_version": settings.PARTICIPATION_TERMS_VERSION,
        },
    )


@require_perm("registration:submit")
def register_done(request: HttpRequest) -> HttpResponse:
    # Only the registration this browser session submitted (or confirmed).
    registration = (
        Registration.objects.select_related("agency")
        .filter(pk=request.session.get("registration_id", 0))
        .first()
    )
    return render(request, "registry/register_done.html", {"registration": registration})


@require_perm("registration:submit")
def register_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the contact: confirming the address (and, at a verified domain of
    the agency, joining at once). A GET changes nothing; the button posts."""
    if request.method == "POST":
        try:
            registration = services.confirm_registration_email(token=token)
        except ValidationError as exc:
            return render(
                request,
                "registry/register_confirm.html",
                {"error": " ".join(exc.messages)},
                status=400,
            )
        request.session["registration_id"] = registration.pk
        return redirect("registry:register_done")
    return render(request, "registry/register_confirm.html", {"token": token})


@require_perm("registration:view_queue")
def registration_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Registration.Status.PENDING)
    registrations = (
        Registration.objects.visible_to(request.user)
        .select_related("agency__state", "proposed_state")
        .filter(status=status)
        .order_by("created_at")
    )
    return render(
        request,
        "registry/registration_queue.html",
        {
            "page": paginate(request, registrations),
            "status": status,
            "statuses": Registration.Status.choices,
            "querystring": querystring_without_page(request),
        },
    )


@require_perm("registration:view_queue")
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.visible_to(request.user).select_related(
            "agency__state", "proposed_state", "reviewed_by"
        ),
        pk=pk,
    )
    evidence = eligibility_evidence.check_501c3(registration.ein) if registration.ein else None
    return render(
        request,
        "registry/registration_detail.html",
        {
            "registration": registration,
            "evidence": evidence,
            "domain": queries.domain_evidence(registration),
        },
    )


@require_perm("registration:decide")
@require_POST
def registration_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    registration = get_object_or_404(Registration.objects.visible_to(request.user), pk=pk)
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            services.approve_registration(
                actor=signed_in_user(request),
                registration=registration,
                note=note,
            )
            messages.success(request, f"Approved: {registration.agency_name} now participates.")
        else:
            services.reject_registration(
                actor=signed_in_user(request),
                registration=registration,
                reason=note,
            )
            messages.success(request, f"Rejected the registration of {registration.agency_name}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:registration_detail", pk=pk)
    return redirect("registry:registration_queue")


@require_perm("agency:view")
def governance(request: HttpRequest) -> HttpResponse:
    """Who governs and endorses the program: public record."""
    labels = dict(AgencyType.choices)
    sponsors = [
        (s, [labels.get(t, t) for t in s.represents])
        for s in Sponsor.objects.filter(is_active=True).order_by("-is_managing_sponsor", "name")
    ]
    return render(
        request,
        "registry/governance.html",
        {
            "sponsors": sponsors,
            "foundations": Foundation.objects.prefetch_related("board_seats__sponsor"),
            "advisory": AdvisoryBoardMember.objects.select_related("agency__state").order_by(
                "agency__agency_type", "agency__name"
            ),
        },
    )


@require_perm("certification:evidence")
def certification_evidence(request: HttpRequest, name: str) -> FileResponse:
    """A certificate's evidence file, for the program office and auditors only (the link the
    back office shows points here; only files that belong to a certification are served)."""
    certification = get_object_or_404(Certification, evidence=f"certifications/{name}")
    return FileResponse(
        certification.evidence.open("rb"), as_attachment=True, filename=name.rsplit("/", 1)[-1]
    )
