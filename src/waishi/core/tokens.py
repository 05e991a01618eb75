"""Personal API tokens: the secret is shown once; only its SHA-256 is kept."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from waishi.core.api_auth import hash_token
from waishi.core.audit import audit_record
from waishi.core.models import ApiToken

TOKEN_PREFIX = "wsk_"  # noqa: S105 — a public marker, not a secret


@transaction.atomic
def api_token_create(*, actor, user, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret (not stored anywhere)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], key_hash=hash_token(raw), expires_at=expires
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        obj=token,
        unit_id=user.unit_id,
        changes={"user": user.get_username(), "name": name, "expires_at": expires},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token, unit_id=token.user.unit_id)
    return token
