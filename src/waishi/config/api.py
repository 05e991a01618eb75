"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Each app adds its router here.

Errors are always `{"detail": "<one readable message>"}` with a 4xx status, never a 500 page.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from waishi.core.api_auth import api_auth
from waishi.people.api import people_router, units_router

api = NinjaAPI(title="waishi API", version="1.0.0", urls_namespace="api-1.0.0", auth=api_auth)
api.add_router("/people", people_router)
api.add_router("/units", units_router)


def _location(error: dict) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query"))


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    problems = "; ".join(f"{_location(e)}: {e.get('msg', 'invalid')}" for e in exc.errors)
    return api.create_response(request, {"detail": problems or "invalid request"}, status=422)


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    return api.create_response(request, {"detail": " ".join(messages)}, status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "You may not do this."}, status=403)
