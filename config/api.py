"""The public machine API, ``/api/v1/``; OpenAPI at ``/api/v1/openapi.json``, docs at
``/api/v1/docs`` (Swagger UI served from the installed package, no CDN)."""

from ninja import NinjaAPI

from interlocal.agreements.api import router as agreements_router
from interlocal.analytics.api import router as analytics_router
from interlocal.eligibility.api import router as eligibility_router
from interlocal.fees.api import router as fees_router
from interlocal.opendata.api import router as opendata_router
from interlocal.registry.api import router as registry_router
from interlocal.reporting.api import router as reporting_router
from interlocal.solicitations.api import router as solicitations_router

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
api.add_router("/", solicitations_router)
api.add_router("/", agreements_router)
api.add_router("/", eligibility_router)
api.add_router("/", opendata_router)
api.add_router("/", reporting_router)
api.add_router("/", fees_router)
api.add_router("/", analytics_router)
