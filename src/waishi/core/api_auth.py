"""API authentication: the browser session (with CSRF) or a personal bearer token."""

import hashlib

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from waishi.core.models import ApiToken


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class SessionAuth(APIKeyCookie):
    param_name = "sessionid"

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        now = timezone.now()
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None or (row.expires_at and row.expires_at <= now):
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


api_auth = [TokenAuth(), SessionAuth()]
