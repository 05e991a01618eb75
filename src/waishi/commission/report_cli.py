"""`waishi report annual --year YYYY [--output FILE]`: the year's report on the city's foreign
affairs work (全市外事工作情况) as a Word document in the official layout.

Parsing and checking the arguments need no Django settings, so `--help` and a bad year answer on
any machine; only generating the report reads the database. Exit 0: written, its path printed;
2: bad arguments or an output path that cannot be written (one line on stderr); 1: the report
could not be made (database not migrated, no Chinese font for the charts).
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
FIRST_YEAR = 1949


def last_year() -> int:
    """The latest year a report can be asked for: next year (its work plan is adopted early)."""
    return dt.date.today().year + 1


def default_filename(year: int) -> str:
    return f"全市外事工作情况-{year}.docx"


class ReportError(Exception):
    """A problem to tell the user in one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"waishi: {message} (see: waishi report annual --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def _year(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= last_year():
        raise argparse.ArgumentTypeError(
            f"give a year from {FIRST_YEAR} to {last_year()}, such as "
            f"{last_year() - 2}, not {value!r}"
        )
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="waishi report annual",
        description=(
            "Generate the year's report on the city's foreign affairs work (全市外事工作情况) as "
            "a .docx in the official layout (GB/T 9704), from the data of every module: "
            "delegations that left China in the year (countries, units, results, compliance), "
            "performance evaluations, commission meetings and decisions, and the work plan. "
            "Charts are embedded as images. Prints the path of the document it wrote."
        ),
        epilog="example: waishi report annual --year 2025 --output ~/reports/",
    )
    parser.add_argument(
        "--year", required=True, type=_year, help="the year to report on, such as 2025"
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="the .docx to write, or a folder to write it in "
        "(default: ./全市外事工作情况-YEAR.docx); an existing file is replaced",
    )
    return parser


def output_path(output: str | None, year: int) -> Path:
    """Where to write: FILE, or the default name inside a folder; the folder must exist."""
    target = Path(output).expanduser() if output else Path(default_filename(year))
    if target.is_dir():
        target = target / default_filename(year)
    folder = target.parent
    if not folder.is_dir():
        raise ReportError(f"cannot write {target}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ReportError(f"cannot write {target}: no permission to write in {folder}")
    return target.resolve()


def write(target: Path, payload: bytes) -> None:
    """Write through a temp file renamed into place: a failure never leaves half a document."""
    handle, temp = tempfile.mkstemp(prefix=".waishi-report-", suffix=".docx", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def generate(year: int) -> bytes:
    """The document's bytes; ReportError when the database or the fonts are not ready."""
    from waishi.cli import setup_django, use_demo_settings_if_demo_dir

    use_demo_settings_if_demo_dir()
    setup_django()
    from django.db import DatabaseError

    from waishi.commission.annual_report import annual_report_data
    from waishi.commission.annual_report_docx import annual_report_docx
    from waishi.reports.charts import ChartFontMissing

    try:
        return annual_report_docx(annual_report_data(year))
    except ChartFontMissing as exc:
        raise ReportError(str(exc)) from None
    except DatabaseError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReportError(
            f"the data could not be read ({first_line}); "
            "is the database migrated? (waishi manage migrate)"
        ) from None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        target = output_path(args.output, args.year)
    except ReportError as exc:
        print(f"waishi: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        payload = generate(args.year)
    except ReportError as exc:
        print(f"waishi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        write(target, payload)
    except OSError as exc:
        print(f"waishi: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    print(target)
    return EXIT_OK
