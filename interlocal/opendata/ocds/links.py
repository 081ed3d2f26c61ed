"""Absolute public URLs for documents and packages.

Solicitation and agreement pages and downloads belong to other apps: ``reverse()`` is tried
first and, should a name not exist (an app without its views), the documented path of the
page is built instead (docs/open-data.md). Either way the URL is absolute, on ``SITE_URL``.
"""

import mimetypes
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from interlocal.agreements.models import Agreement, AgreementDocument
from interlocal.solicitations.models import Solicitation, SolicitationDocument


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _page(name: str, pk: int, fallback: str) -> str:
    try:
        return absolute(reverse(name, kwargs={"pk": pk}))
    except NoReverseMatch:
        return absolute(fallback)


def solicitation_page(solicitation: Solicitation) -> str:
    return _page("solicitations:detail", solicitation.pk, f"/solicitations/{solicitation.pk}/")


def agreement_page(agreement: Agreement) -> str:
    return _page("agreements:detail", agreement.pk, f"/agreements/{agreement.pk}/")


def _download(name: str, pk: int) -> str | None:
    try:
        return absolute(reverse(name, kwargs={"pk": pk}))
    except NoReverseMatch:
        return None


def solicitation_document(solicitation: Solicitation, document: SolicitationDocument) -> str:
    """The file itself (public once the notice is), else the solicitation's page."""
    download = _download("solicitations:document", document.pk)
    return download or solicitation_page(solicitation)


def agreement_document(agreement: Agreement, document: AgreementDocument) -> str:
    return _download("agreements:document", document.pk) or agreement_page(agreement)


def media_type(file_name: str) -> str | None:
    """``Document.format``: the file's media type, when its name tells it."""
    return mimetypes.guess_type(file_name)[0]


def publication_policy() -> str:
    return absolute(reverse("opendata:index"))


def feed(*, api: bool = False, **params: str) -> str:
    path = reverse("api:ocds_releases") if api else reverse("opendata:releases")
    query = urlencode({key: value for key, value in params.items() if value})
    return absolute(path) + (f"?{query}" if query else "")


def record(ocid: str, *, api: bool = False) -> str:
    if api:
        return absolute(reverse("api:ocds_record", kwargs={"ocid": ocid}))
    return absolute(reverse("opendata:record", kwargs={"ocid": ocid}))
