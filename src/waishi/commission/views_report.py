"""The annual report page: a year, its headline numbers, and the button that makes the .docx.

    GET  annual-report/?year=2025          the year's headline numbers and the button
    POST annual-report/generate/           builds the document; with htmx it answers a download
                                           link (the button shows it is busy meanwhile),
                                           without JavaScript it answers the file itself
    GET  annual-report/<year>/<token>/     the document built by that POST, for its user only

The report is citywide, so only citywide readers open it (READERS). A built document is kept in
the data dir under the user's id and a random token, not under MEDIA_ROOT (it is no attachment
and needs no backup); a user's older documents are removed when a new one is built.
"""

import io
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from waishi.commission.annual_report import annual_report_data, headline, years_with_data
from waishi.commission.annual_report_docx import annual_report_docx, annual_report_filename
from waishi.commission.report_cli import FIRST_YEAR, last_year
from waishi.core.access import access
from waishi.core.roles import Role
from waishi.reports.charts import ChartFontMissing

READERS = (Role.SECRETARIAT, Role.INSPECTOR, Role.ADMINISTRATOR, Role.APPROVER)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEEP_SECONDS = 24 * 3600
PAGE = "commission/annual_report.html"


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget = forms.Select(choices=[(year, year) for year in years])

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not FIRST_YEAR <= year <= last_year():
            raise forms.ValidationError(
                _("Choose a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": last_year()}
            )
        return year


def default_year() -> int:
    """Last year: the report is written at the start of the year after."""
    return timezone.localdate().year - 1


def years_offered() -> list[int]:
    today = timezone.localdate()
    return sorted({*years_with_data(), today.year, today.year - 1}, reverse=True)


@access(*READERS)
@require_GET
def annual_report(request):
    years = years_offered()
    bound = "year" in request.GET
    form = YearForm(request.GET if bound else None, years=years, initial={"year": default_year()})
    if bound and not form.is_valid():
        return render(request, PAGE, {"form": form}, status=400)
    year = form.cleaned_data["year"] if bound else default_year()
    context = {"form": form, "year": year, "numbers": headline(year)}
    return render(request, PAGE, context)


@access(*READERS)
@require_POST
def annual_report_generate(request):
    form = YearForm(request.POST, years=years_offered())
    if not form.is_valid():
        return _answer(request, {"form": form, "errors": form.errors.get("year")}, status=400)
    year = form.cleaned_data["year"]
    try:
        payload = annual_report_docx(annual_report_data(year))
    except ChartFontMissing:
        message = _(
            "The report's charts need a Chinese font, and the server has none. Ask the "
            "administrator to install one (the fonts-noto-cjk package)."
        )
        return _answer(request, {"form": form, "year": year, "errors": [message]}, status=503)
    if not request.htmx:
        return FileResponse(
            io.BytesIO(payload),
            as_attachment=True,
            filename=annual_report_filename(year),
            content_type=DOCX,
        )
    token = _keep(request.user, year, payload)
    context = {
        "year": year,
        "token": token,
        "size": len(payload),
        "filename": annual_report_filename(year),
    }
    return render(request, f"{PAGE}#result", context)


def _answer(request, context: dict, *, status: int):
    """A refusal: the result fragment for htmx (as 200: htmx swaps no error response), else
    the page with `status`."""
    if request.htmx:
        return render(request, f"{PAGE}#result", context)
    if "numbers" not in context and "year" in context:
        context["numbers"] = headline(context["year"])
    return render(request, PAGE, context, status=status)


@access(*READERS)
@require_GET
def annual_report_download(request, year: int, token: str):
    path = _kept_path(request.user, year, token)
    if path is None or not path.is_file():
        raise Http404(_("This report is no longer available; generate it again."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=annual_report_filename(year),
        content_type=DOCX,
    )


# --- documents kept for download -----------------------------------------------------------


def _folder(user) -> Path:
    return Path(settings.DATA_DIR) / "generated" / "annual-reports" / str(user.pk)


def _kept_path(user, year: int, token: str) -> Path | None:
    if not TOKEN.fullmatch(token):
        return None
    return _folder(user) / f"{year}-{token}.docx"


def _keep(user, year: int, payload: bytes) -> str:
    """Store the document for its user; remove that user's older copies of the year and any of
    theirs older than a day."""
    folder = _folder(user)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.glob("*.docx"):
        if old.name.startswith(f"{year}-") or old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    temp = folder / f".{token}.part"
    temp.write_bytes(payload)
    temp.replace(folder / f"{year}-{token}.docx")
    return token
