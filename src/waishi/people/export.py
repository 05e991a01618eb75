"""The people list as an .xlsx workbook: the list's columns and filters, numbers masked."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

EXPORT_LIMIT = 10_000


def _headers() -> list[str]:
    return [
        _("Name"),
        _("Passport spelling"),
        _("Unit"),
        _("Position"),
        _("Rank"),
        _("ID card number"),
        _("Official passport expires"),
    ]


def _row(person) -> list:
    return [
        person.name,
        person.passport_name,
        person.unit.name,
        person.position,
        str(person.get_rank_display()),
        person.id_number_masked,
        person.official_expires_on,
    ]


def people_workbook(rows, *, total: int):
    """Write `rows` (at most EXPORT_LIMIT, read in chunks) to an in-memory file, rewound.

    A write-only workbook keeps no cell objects, so 10,000 rows stay a few megabytes.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("People"))
    sheet.append(_headers())
    written = 0
    for person in rows:
        sheet.append(_row(person))
        written += 1
    if total > written:
        sheet.append([])
        sheet.append(
            [
                _(
                    "Only the first %(shown)d of %(total)d people are included; narrow the filters "
                    "to export the rest."
                )
                % {"shown": written, "total": total}
            ]
        )
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle
