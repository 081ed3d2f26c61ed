"""Per-request context that services read without it being passed through every call."""

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
# The API key a request authenticated with (an ``accounts.ApiKey``), so audit events written
# on a machine's behalf name the key and its organization.
current_api_key: ContextVar[object | None] = ContextVar("current_api_key", default=None)
