from typing import Any

from django.conf import settings
from django.http import HttpRequest


def program(request: HttpRequest) -> dict[str, Any]:
    return {"PROGRAM_NAME": settings.PROGRAM_NAME}
