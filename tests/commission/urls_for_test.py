"""The project's URLs plus the commission's pages and API, until the lead mounts them.

    pytestmark = pytest.mark.urls("tests.commission.urls_for_test")

The API here is a second instance of the project's WaishiAPI class (same namespace, auth and error
handlers) carrying the meetings router, so the project's own `api` object is never mutated.
"""

from django.urls import include, path

from waishi.commission.api import meetings_router
from waishi.config import api as project_api
from waishi.config.urls import urlpatterns as project_urlpatterns
from waishi.core.api_auth import api_auth

test_api = project_api.WaishiAPI(
    title="waishi API (commission tests)",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    auth=api_auth,
    docs_url=None,
)
test_api._exception_handlers = dict(project_api.api._exception_handlers)
test_api.add_router("/meetings", meetings_router)
test_api.add_router("/people", project_api.people_router)

urlpatterns = [
    path("api/v1/", test_api.urls),
    path("commission/", include("waishi.commission.urls")),
    *(p for p in project_urlpatterns if str(p.pattern) != "api/v1/"),
]
