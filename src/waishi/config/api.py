"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Each app adds its router here.

Every answer under /api/v1/ is JSON. Bad input gets a 4xx `{"detail": "<one readable message>"}`;
that includes unknown paths (404) and methods a path does not support (405). An unexpected
exception (a bug) answers 500 `{"detail": "internal error, reference <id>"}` and is logged with the
same id; it never leaks a traceback or Django's HTML error page. In tests the same exception is
re-raised by Django's test client, so a bug fails loudly instead of hiding behind a 500.
"""

import logging
import uuid
from functools import wraps

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.urls import Resolver404, URLPattern, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from waishi.commission.api import meetings_router
from waishi.commission.api_workplan import work_items_router
from waishi.core.api_auth import api_auth
from waishi.delegations.api import delegations_router
from waishi.delegations.workflow import ConflictError, InvalidTransition
from waishi.evaluation.api import evaluations_router
from waishi.people.api import people_router, units_router

# The logger Django itself uses for 500s, so API errors reach the same handlers (ADMINS e-mail).
request_logger = logging.getLogger("django.request")

PARAM_SOURCES = frozenset({"query", "path", "header", "cookie", "body", "form", "file"})
NOT_FOUND_NAMES = frozenset({"api-root", "api-not-found"})


class WaishiAPI(NinjaAPI):
    """A NinjaAPI whose every URL answers JSON, also where django-ninja would fall back to
    Django's HTML pages: the API root, unknown paths below it and unsupported methods."""

    def _get_urls(self):
        patterns = [p for p in super()._get_urls() if getattr(p, "name", None) != "api-root"]
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._guarded(pattern.callback)
        not_found = self._guarded(csrf_exempt(self._not_found))
        # The catch-all comes last, so every router added above it still matches first.
        return [
            *patterns,
            path("", not_found, name="api-root"),  # ninja reverses this name for OpenAPI paths
            re_path(r"^", not_found, name="api-not-found"),
        ]

    def detail(self, request, message: str, status: int):
        return self.create_response(request, {"detail": message}, status=status)

    def _guarded(self, view):
        @wraps(view)  # keeps ninja's csrf_exempt: SessionAuth does the CSRF check itself
        def guarded(request, *args, **kwargs):
            refused = self._refuse_unstorable_input(request, kwargs)
            if refused is not None:
                return refused
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                message = f"Method {request.method} is not allowed here."
                allowed = self.detail(request, message, 405)
                allowed["Allow"] = response["Allow"]
                return allowed
            return response

        return guarded

    def _refuse_unstorable_input(self, request, kwargs):
        """NUL characters cannot be stored or even compared in PostgreSQL text; refuse them."""
        try:
            params = [*request.GET.lists(), *((k, [str(v)]) for k, v in kwargs.items())]
            # ninja reads a JSON body whole anyway; multipart uploads are left unread here.
            body = request.body if request.content_type == "application/json" else b""
        except SuspiciousOperation as exc:  # too many fields, a body over the size limit
            return suspicious_request(request, exc)
        for name, values in params:
            if "\x00" in name or any("\x00" in value for value in values):
                label = name.replace("\x00", "\\0")
                return self.detail(request, f"{label}: must not contain NUL characters", 400)
        if b"\\u0000" in body:
            return self.detail(request, "body: must not contain NUL characters", 400)
        return None

    def _not_found(self, request, *args, **kwargs):
        slashed = request.path_info + "/"
        if request.method in ("GET", "HEAD") and self._is_operation(request, slashed):
            # What Django's APPEND_SLASH would do, had the catch-all not matched first.
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
        return self.detail(request, "Not Found", 404)

    @staticmethod
    def _is_operation(request, path_info: str) -> bool:
        try:
            match = resolve(path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return match.url_name not in NOT_FOUND_NAMES


api = WaishiAPI(
    title="waishi API",
    version="1.0.0",
    urls_namespace="api-1.0.0",
    auth=api_auth,
    # Without "ninja" in INSTALLED_APPS the docs page loads Swagger UI from a CDN, which the
    # house rules (and the CSP) forbid; the page appears once its bundled assets can be served.
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)
api.add_router("/people", people_router)
api.add_router("/units", units_router)
api.add_router("/meetings", meetings_router)
api.add_router("/work-items", work_items_router)
api.add_router("/delegations", delegations_router)
api.add_router("/evaluations", evaluations_router)


def _location(error: dict) -> str:
    loc = list(error.get("loc", ()))
    if loc and loc[0] in PARAM_SOURCES:
        loc = loc[1:]
    return ".".join(str(part) for part in loc) or "request"


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    problems = "; ".join(f"{_location(e)}: {e.get('msg', 'invalid')}" for e in exc.errors)
    return api.detail(request, problems or "invalid request", 422)


@api.exception_handler(DjangoValidationError)
def invalid_data(request, exc):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    return api.detail(request, " ".join(messages), 400)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.detail(request, "You may not do this.", 403)


@api.exception_handler(ConflictError)
def conflict(request, exc):
    return api.detail(request, str(exc), 409)


@api.exception_handler(InvalidTransition)
def invalid_transition(request, exc):
    return api.detail(request, str(exc), 409)


@api.exception_handler(BadRequest)
def bad_request(request, exc):
    return api.detail(request, str(exc) or "Bad request.", 400)


@api.exception_handler(SuspiciousOperation)
def suspicious_request(request, exc):
    # Logged where Django logs these (django.security.<Name>), answered as Django would: 400.
    logging.getLogger(f"django.security.{type(exc).__name__}").error(
        str(exc), extra={"status_code": 400, "request": request}
    )
    if isinstance(exc, RequestDataTooBig):
        return api.detail(request, "The request is too large.", 413)
    return api.detail(request, "Bad request.", 400)


@api.exception_handler(Exception)
def unexpected_error(request, exc):
    """A bug: log it under a reference the caller can quote, answer JSON without details."""
    reference = uuid.uuid4().hex[:12]
    request_logger.error(
        "Internal Server Error: %s (reference %s)",
        request.path,
        reference,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    _signal_uncaught(request, exc)
    response = api.detail(request, f"internal error, reference {reference}", 500)
    response._has_been_logged = True  # logged above, with the traceback; Django need not repeat it
    return response


def _signal_uncaught(request, exc) -> None:
    """Send the signal Django sends for an uncaught exception: error reporters hear of it, and
    the test client re-raises `exc` so a test meeting a bug fails with its traceback."""
    try:
        raise exc  # the receivers read sys.exc_info()
    except Exception:
        got_request_exception.send(sender=None, request=request)
