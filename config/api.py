"""The public machine API, ``/api/v1/``; OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/v1/docs`` (Swagger UI served from the installed package, no CDN)."""

from ninja import NinjaAPI

from interlocal.registry.api import router as registry_router

api = NinjaAPI(
    title="Interlocal API",
    version="1.0.0",
    description=(
        "Agency universe, suppliers and registrations of a national cooperative purchasing "
        "program. Read endpoints are public; writes need an organization API key with the "
        "named scope, sent as `Authorization: Bearer il_…`."
    ),
    urls_namespace="api",
)
api.add_router("/", registry_router)
