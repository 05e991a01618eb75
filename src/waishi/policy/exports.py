"""The active per-diem table as an Excel workbook."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def cities_text(row) -> str:
    if row.other_cities:
        return _("Other cities")
    return row.cities or _("Whole country")


def standards_workbook(rows, version) -> bytes:
    """One sheet of rows (numbers as numbers, so offices can compute with them) and one saying
    which table it is."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Standards")[:31]
    sheet.append(
        [
            _("Continent"),
            _("Country or region"),
            _("Code"),
            _("Cities"),
            _("Currency"),
            _("Lodging cap per night"),
            _("Meals per day"),
            _("Incidentals per day"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row.continent,
                row.country_zh,
                row.country.code,
                cities_text(row),
                row.currency,
                row.lodging,
                row.meals,
                row.incidentals,
            ]
        )
    sheet.freeze_panes = "A2"
    about = book.create_sheet(_("About")[:31])
    about.append([_("Table"), version.label if version else ""])
    about.append([_("Source"), version.source if version else ""])
    about.append([_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
