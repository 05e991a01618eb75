"""The JSON API at /api/v1/ (OpenAPI at /api/v1/openapi.json). Each app adds its router here."""

from ninja import NinjaAPI

from waishi.core.api_auth import api_auth

api = NinjaAPI(title="waishi API", version="1.0.0", urls_namespace="api-1.0.0", auth=api_auth)
