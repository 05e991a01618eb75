"""Uploads are judged by their content: real PDF, PNG, JPEG and DOCX pass; disguises do not."""

import io
import struct
import zlib

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from docx import Document
from openpyxl import Workbook

from waishi.core.uploads import UploadField, safe_name, sniff, validate_upload


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English, whatever the catalogue holds by then."""
    with translation.override("en"):
        yield


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    """A real 1×1 PNG, chunks and CRCs included."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """The JFIF header a camera or scanner writes, then the end-of-image marker."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def docx_bytes() -> bytes:
    handle = io.BytesIO()
    document = Document()
    document.add_paragraph("会议纪要")
    document.save(handle)
    return handle.getvalue()


def xlsx_bytes() -> bytes:
    handle = io.BytesIO()
    Workbook().save(handle)
    return handle.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("纪要.pdf", pdf_bytes(), "pdf"),
        ("photo.png", png_bytes(), "png"),
        ("scan.jpg", jpeg_bytes(), "jpeg"),
        ("minutes.docx", docx_bytes(), "docx"),
    ],
)
def test_real_documents_and_images_are_accepted_as_what_they_are(name, content, kind):
    assert validate_upload(upload(name, content)).key == kind


def test_the_name_does_not_decide_a_pdf_saved_as_png_is_still_a_pdf():
    found = validate_upload(upload("picture.png", pdf_bytes()))
    assert (found.key, found.content_type) == ("pdf", "application/pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", "会议纪要：这只是文本。".encode()),
        ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
        ("tool.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
        ("budget.docx", xlsx_bytes()),  # a zip, but a spreadsheet
        ("page.jpg", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_disguised_files_are_refused_with_a_message_naming_the_allowed_types(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload(name, content))
    assert refused.value.code == "file_type"
    assert "PDF, JPEG, PNG, DOCX" in refused.value.messages[0]


def test_a_file_over_twenty_megabytes_is_refused_before_it_is_read(settings):
    big = upload("big.pdf", pdf_bytes() + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        validate_upload(big)
    assert refused.value.code == "too_large"
    assert "20.0" in refused.value.messages[0]


def test_a_file_of_exactly_the_limit_passes_and_the_limit_can_be_tightened():
    content = pdf_bytes()
    assert validate_upload(upload("a.pdf", content), max_bytes=len(content)).key == "pdf"
    with pytest.raises(ValidationError):
        validate_upload(upload("a.pdf", content), max_bytes=len(content) - 1)


def test_an_empty_file_and_a_kind_outside_the_allowed_ones_are_refused():
    with pytest.raises(ValidationError) as empty:
        validate_upload(upload("a.pdf", b""))
    assert empty.value.code == "empty"
    with pytest.raises(ValidationError) as narrowed:
        validate_upload(upload("a.png", png_bytes()), allowed=("pdf",))
    assert narrowed.value.code == "file_type"


def test_sniffing_leaves_the_file_rewound_for_whoever_saves_it():
    handle = io.BytesIO(docx_bytes())
    assert sniff(handle).key == "docx"
    assert handle.tell() == 0


def test_the_stored_name_takes_the_extension_of_the_real_content():
    kind = validate_upload(upload("photo.exe", png_bytes()))
    assert safe_name("photo.exe", kind) == "photo.png"
    assert safe_name('../../etc/pass"wd', kind) == "passwd.png"


def test_a_form_with_an_upload_field_shows_the_refusal_next_to_the_field():
    class AttachmentForm(forms.Form):
        attachment = UploadField()

    form = AttachmentForm(files={"attachment": upload("report.pdf", b"plain text")})
    assert not form.is_valid()
    assert "whatever its name says" in form.errors["attachment"][0]
    good = AttachmentForm(files={"attachment": upload("x.bin", jpeg_bytes())})
    assert good.is_valid() and good.cleaned_data["attachment"].kind.key == "jpeg"
