"""`waishi news import FILE [--year YYYY] [--dry-run] [--json]`: a news release → a draft meeting.

Reading and parsing need no Django settings, so `--dry-run` works on any machine; only saving the
draft sets Django up. Bad input: one line on stderr, exit 2, nothing created.
"""

import argparse
import json
import sys

from waishi.commission.news import MeetingDraft, NewsImportError, parse_bytes

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"waishi: {message} (see: waishi news import --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="waishi news import",
        description=(
            "Read a meeting news release (Simplified, Traditional, or Traditional with inline "
            "pinyin; UTF-8, GB18030 or Big5) and create a draft meeting from it."
        ),
        epilog="example: waishi news import release.txt --dry-run --json",
    )
    parser.add_argument("file", metavar="FILE", help="the release as a text file, or - for stdin")
    parser.add_argument(
        "--year", type=_year, help="the meeting's year when the release itself does not say it"
    )
    parser.add_argument("--dry-run", action="store_true", help="show the draft, save nothing")
    parser.add_argument("--json", action="store_true", help="print the draft as one JSON object")
    return parser


def _year(value: str) -> int:
    if not value.isdigit() or not 1949 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"give a year such as 2026, not {value!r}")
    return int(value)


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise NewsImportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise NewsImportError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise NewsImportError(f"{path}: cannot be read ({exc.strerror})") from None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        draft = parse_bytes(read_input(args.file), year=args.year)
    except NewsImportError as exc:
        print(f"waishi: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    meeting_id = None
    if not args.dry_run:
        meeting_id = save(draft)
        if meeting_id is None:
            return EXIT_FAILED
    try:
        print_draft(draft, as_json=args.json, meeting_id=meeting_id)
    except BrokenPipeError:  # `… | head`: the reader left, nothing more to say
        sys.stderr.close()
    return EXIT_OK


def save(draft: MeetingDraft) -> int | None:
    from waishi.cli import setup_django, use_demo_settings_if_demo_dir

    use_demo_settings_if_demo_dir()
    setup_django()
    from django.db import DatabaseError

    from waishi.commission.services import meeting_create_draft

    try:
        return meeting_create_draft(actor=None, draft=draft).pk
    except DatabaseError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(
            f"waishi: the draft could not be saved ({first_line}); "
            "is the database migrated? (waishi manage migrate)",
            file=sys.stderr,
        )
        return None


def print_draft(draft: MeetingDraft, *, as_json: bool, meeting_id: int | None):
    if as_json:
        output = draft.as_output()
        if meeting_id is not None:
            output["meeting_id"] = meeting_id
        print(json.dumps(output, ensure_ascii=False, indent=2))
        return
    print(summary(draft))
    if meeting_id is not None:
        print(f"已保存为会议草稿 #{meeting_id}（saved as draft meeting #{meeting_id}）")


def summary(draft: MeetingDraft) -> str:
    """The draft as a reader would check it, in Chinese."""
    if draft.date and not draft.date.startswith("--"):
        when = draft.date
        if draft.year_source == "argument":
            when += "（年份取自 --year）"
    elif draft.date:
        when = f"{draft.date[2:]}（年份不明：文中没有年份，请用 --year 指定）"
    else:
        when = "不明（文中没有会议日期）"

    def names(values):
        return "、".join(values) or "（无）"

    lines = [
        f"会议名称：{draft.title or '（未识别）'}",
        f"日期：{when}",
        f"主持：{names(draft.chairs)}",
        f"出席：{names(draft.attendees)}",
        "审议文件：" + ("".join(f"《{d}》" for d in draft.documents) or "（无）"),
        f"记者/通讯员：{names(draft.reporters)}",
        f"来源：{draft.source or '（无）'}",
    ]
    lines += [f"注意：{warning}" for warning in draft.warnings]
    return "\n".join(lines)
