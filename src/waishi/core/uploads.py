"""Uploaded files are judged by what they contain, never by their name or the browser's word.

    kind = validate_upload(request.FILES["attachment"])          # PDF, JPEG, PNG or DOCX ≤ 20 MB
    kind = validate_upload(upload, allowed=("pdf",), max_bytes=5 * 1024 * 1024)
    field = UploadField(label=_("Attachment"))                     # the same check in a form

A file named `report.pdf` holding text, or an executable named `photo.png`, is refused: the first
bytes (and, for a .docx, the zip's own table of contents) decide. The detected kind also decides
the extension and content type the file is stored and served with.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 16


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    content_type: str
    extension: str


KINDS = {
    "pdf": FileKind("pdf", "PDF", "application/pdf", ".pdf"),
    "jpeg": FileKind("jpeg", "JPEG", "image/jpeg", ".jpg"),
    "png": FileKind("png", "PNG", "image/png", ".png"),
    "docx": FileKind(
        "docx",
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
}
DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx")


def _is_docx(upload) -> bool:
    """A Word document is a zip holding word/document.xml (an .xlsx or a plain zip is not)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


def sniff(upload) -> FileKind | None:
    """What `upload` (a seekable binary file) is, judged from its content; None if unknown."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return KINDS["docx"]
    return None


def max_upload_bytes() -> int:
    return getattr(settings, "WAISHI_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def validate_upload(upload, *, allowed=DOCUMENT_KINDS, max_bytes: int | None = None) -> FileKind:
    """The file's kind if it is one of `allowed` and no larger than `max_bytes`.

    Raises ValidationError (codes "empty", "too_large", "file_type") with a message for the user.
    """
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = sniff(upload)
    if kind is None or kind.key not in allowed:
        labels = ", ".join(KINDS[key].label for key in allowed)
        raise ValidationError(
            _("This file is not a %(kinds)s file, whatever its name says."),
            code="file_type",
            params={"kinds": labels},
        )
    return kind


def safe_name(original: str, kind: FileKind, *, max_length: int = 80) -> str:
    """The uploaded name with the extension of what the file really is (photo.exe → photo.png)."""
    stem = PurePath(original or "file").stem.strip() or "file"
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '\\/:*?"<>|')[:max_length]
    return f"{stem or 'file'}{kind.extension}"


class UploadField(forms.FileField):
    """A FileField that runs validate_upload; the cleaned file carries its `.kind`."""

    def __init__(self, *args, allowed=DOCUMENT_KINDS, max_bytes=None, **kwargs):
        self.allowed, self.max_bytes = allowed, max_bytes
        super().__init__(*args, **kwargs)
        accept = ",".join(KINDS[key].extension for key in allowed)
        self.widget.attrs.setdefault("accept", accept + (",.jpeg" if "jpeg" in allowed else ""))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.kind = validate_upload(upload, allowed=self.allowed, max_bytes=self.max_bytes)
        return upload


def stored_file_response(field, content_type: str):
    """A stored upload (a FileField value) as a download under its stored name, with the type
    its content was checked to be when it was uploaded."""
    from django.http import FileResponse

    return FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=field.name.rsplit("/", 1)[-1],
        content_type=content_type or "application/octet-stream",
    )
