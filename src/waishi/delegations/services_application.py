"""Writes of the application page besides the application itself: its attachments (the
invitation letter, its Chinese translation, other files). Called in the transaction of
delegation_create / delegation_update, so a refused application stores no file row.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from waishi.core.audit import audit_record
from waishi.core.uploads import safe_name, validate_upload
from waishi.delegations.models import AttachmentKind, Delegation, DelegationAttachment

# The kinds the application page manages (trip photos belong to the trip report).
APPLICATION_KINDS = (
    AttachmentKind.INVITATION,
    AttachmentKind.INVITATION_TRANSLATION,
    AttachmentKind.OTHER,
)
# One of each: a new upload replaces the old one.
SINGLE_KINDS = (AttachmentKind.INVITATION, AttachmentKind.INVITATION_TRANSLATION)


@transaction.atomic
def delegation_attachments_update(
    *, actor, delegation: Delegation, uploads=(), remove=()
) -> list[DelegationAttachment]:
    """Store `uploads` ((kind, file) pairs; each file judged by its content again here) and
    delete the application attachments whose ids are in `remove`; a new invitation letter or
    translation replaces the stored one. Side effects: files written now, deleted files leave
    the disk once the transaction commits; audit event `delegation.attachments`."""
    uploads = [(AttachmentKind(kind), upload) for kind, upload in uploads]
    if kind_errors := [k for k, _u in uploads if k not in APPLICATION_KINDS]:
        raise ValueError(f"not an application attachment: {kind_errors}")
    checked = [(kind, upload, validate_upload(upload)) for kind, upload in uploads]
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    replaced = {kind for kind, _u, _k in checked if kind in SINGLE_KINDS}
    drop = {
        a.pk: a
        for a in delegation.attachments.filter(kind__in=APPLICATION_KINDS)
        if a.pk in set(remove) or a.kind in replaced
    }.values()
    if not checked and not drop:
        return []
    for attachment in drop:
        stored = attachment.file
        transaction.on_commit(lambda f=stored: f.storage.delete(f.name))
        attachment.delete()
    added = [
        _store(actor, delegation, kind, upload, file_kind) for kind, upload, file_kind in checked
    ]
    audit_record(
        actor=actor,
        action="delegation.attachments",
        obj=delegation,
        unit_id=delegation.organising_unit_id,
        changes={
            "added": [{"kind": a.kind, "name": a.original_name, "size": a.size} for a in added],
            "removed": [a.original_name for a in drop],
        },
    )
    return added


def _store(actor, delegation, kind, upload, file_kind) -> DelegationAttachment:
    name = safe_name(upload.name, file_kind)
    attachment = DelegationAttachment(
        delegation=delegation,
        kind=kind,
        original_name=name,
        content_type=file_kind.content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment
