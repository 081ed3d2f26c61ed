"""View helpers shared by every app: the permission decorator, pagination, CSV downloads."""

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from interlocal.accounts.models import User

PAGE_SIZE = 25


def require_perm(
    permission: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Guard a view with a named permission; the permission matrix test reads
    ``view.required_permission`` to know what every URL demands."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # rules' own test: Django's has_perm() would let any superuser past every rule.
            if not rules.has_perm(permission, request.user):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(f"you do not have permission '{permission}'")
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore after Back or Reload wants a page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def acting_user(request: HttpRequest) -> "User | None":
    """The signed-in user, or None for an anonymous visitor (services take ``actor=None``)."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def signed_in_user(request: HttpRequest) -> "User":
    """The signed-in user of a view that ``require_perm`` already limited to members."""
    user = acting_user(request)
    if user is None:
        raise PermissionDenied("sign in first")
    return user


def page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or just the results fragment for an htmx request (cached apart)."""
    response = render(request, fragment if is_htmx(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    """A CSV download of ``rows`` (CRLF line ends, UTF-8), named ``filename``."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[Sequence[Any]], filename: str, sheet: str) -> HttpResponse:
    """An XLSX download of ``rows``, the first of them the header (in bold), on one sheet.
    Numbers stay numbers; money goes in as decimal dollars."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    out = book.create_sheet(sheet[:31])
    bold = Font(bold=True)
    for n, row in enumerate(rows):
        if n == 0:
            cells = []
            for value in row:
                cell = WriteOnlyCell(out, value=value)
                cell.font = bold
                cells.append(cell)
            out.append(cells)
        else:
            out.append(list(row))
    data = io.BytesIO()
    book.save(data)
    response = HttpResponse(
        data.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
