import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from interlocal.core.context import current_api_key, current_request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (kept from a proxy's X-Request-ID when well-formed).

    The id is written into every audit event the request causes and returned as a header,
    so a support call can be traced to the exact events.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        key_token = current_api_key.set(None)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
            current_api_key.reset(key_token)
        response["X-Request-ID"] = request_id
        return response
