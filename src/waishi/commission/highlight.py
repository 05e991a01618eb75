"""The cleaned release as HTML, each piece of evidence the parser used wrapped in <mark>.

Everything else is escaped; the marks carry a class per field and a title naming it, no style.
Lines become paragraphs, so the text reads as it was written without any inline CSS.
"""

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

LABELS = {
    "title": _("Title"),
    "date": _("Date"),
    "year": _("Year"),
    "chairs": _("Chair"),
    "attendees": _("Attendee"),
    "documents": _("Document reviewed"),
    "reporters": _("Reporter"),
    "source": _("Source"),
}


def evidence_spans(text: str, evidence: dict) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans within `text`, in order; the earlier or longer
    span wins an overlap."""
    spans = sorted(
        (max(0, start), min(len(text), end), kind)
        for kind, pairs in evidence.items()
        if kind in LABELS
        for start, end in pairs
        if end > start
    )
    kept, last_end = [], 0
    for start, end, kind in spans:
        if start >= last_end:
            kept.append((start, end, kind))
            last_end = end
    return kept


def _mark(fragment: str, kind: str) -> str:
    return format_html('<mark class="evidence evidence-{}" title="{}">{}</mark>', kind,
                       LABELS[kind], fragment)  # fmt: skip


def highlighted(text: str, evidence: dict) -> SafeString:
    """`text` as <p> lines with the evidence marked; a span crossing a line break is split."""
    spans = evidence_spans(text, evidence)
    lines, offset = [], 0
    for line in text.split("\n"):
        end_of_line = offset + len(line)
        pieces, cursor = [], offset
        for start, end, kind in spans:
            if end <= offset or start >= end_of_line:
                continue
            start, end = max(start, offset), min(end, end_of_line)
            pieces.append(escape(text[cursor:start]))
            pieces.append(_mark(text[start:end], kind))
            cursor = end
        pieces.append(escape(text[cursor:end_of_line]))
        if line.strip():
            lines.append(format_html_join("", "{}", ((piece,) for piece in pieces)))
        offset = end_of_line + 1
    return format_html_join("\n", "<p>{}</p>", ((line,) for line in lines))
