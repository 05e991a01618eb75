"""A rubric body (RubricVersion.body, the shape of rubrics/default-v1.json) as the pages show it.

The body carries its own Chinese and English titles and guidance; `localized` picks the one of
the reader's language. Nothing here computes a score: scoring.py does that.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language

from waishi.evaluation.models import DeductionSource, Grade

GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS)
SCORED_KINDS = ("scored", "follow_through")  # the kinds whose indicators someone scores


def chinese_first() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def localized(item: dict, key: str) -> str:
    """item["<key>_zh"] for a Chinese reader, item["<key>_en"] otherwise (each falls back to
    the other when missing)."""
    zh, en = item.get(f"{key}_zh") or "", item.get(f"{key}_en") or ""
    return (zh or en) if chinese_first() else (en or zh)


def number(value) -> Decimal:
    return Decimal(str(value))


def groups(body: dict) -> list[dict]:
    return list(body.get("groups") or [])


def scored_indicators(body: dict) -> list[tuple[dict, dict]]:
    """(group, indicator) for every indicator someone scores: all but the compliance group's."""
    return [
        (group, indicator)
        for group in groups(body)
        if group.get("kind") in SCORED_KINDS
        for indicator in group.get("indicators") or []
    ]


def compliance_group(body: dict) -> dict | None:
    return next((g for g in groups(body) if g.get("kind") == "compliance"), None)


def deduction_points(body: dict) -> dict[str, Decimal]:
    """Standard points per DeductionSource value, from the compliance group."""
    group = compliance_group(body) or {}
    return {key: number(value) for key, value in (group.get("deductions") or {}).items()}


def grade_bands(body: dict) -> list[dict]:
    """[{grade, label, from, to}], best first; `to` is None for the top band, `from` 0 for fail."""
    thresholds = body.get("grades") or {}
    bands, upper = [], None
    for grade in GRADE_ORDER:
        lower = number(thresholds.get(grade.value, 0))
        bands.append({"grade": grade.value, "label": grade.label, "from": lower, "to": upper})
        upper = lower
    bands.append({"grade": Grade.FAIL.value, "label": Grade.FAIL.label, "from": 0, "to": upper})
    return bands


def band_of(body: dict, grade: str) -> dict | None:
    return next((band for band in grade_bands(body) if band["grade"] == grade), None)


def veto_items(body: dict) -> list[dict]:
    return [
        {"code": item.get("code"), "title": localized(item, "title")}
        for item in body.get("veto") or []
    ]


def veto_title(body: dict, code: str) -> str:
    return next((item["title"] for item in veto_items(body) if item["code"] == code), code)


def indicator_titles(body: dict) -> dict[str, str]:
    return {
        indicator["code"]: localized(indicator, "title")
        for group in groups(body)
        for indicator in group.get("indicators") or []
    }


def rubric_view(body: dict) -> dict:
    """Everything the rubric page shows, in the reader's language."""
    labels = dict(DeductionSource.choices)
    return {
        "title": localized(body, "title"),
        "note": body.get("note", ""),
        "step": number(body.get("step", 1)),
        "second_below": number(body.get("second_evaluator_below", 0)),
        "bands": grade_bands(body),
        "veto": veto_items(body),
        "groups": [
            {
                "code": group.get("code"),
                "kind": group.get("kind"),
                "title": localized(group, "title"),
                "weight": number(group.get("weight", 0)),
                "guidance": localized(group, "guidance"),
                "indicators": [
                    {
                        "code": indicator.get("code"),
                        "title": localized(indicator, "title"),
                        "max": number(indicator.get("max", 0)),
                        "guidance": localized(indicator, "guidance"),
                    }
                    for indicator in group.get("indicators") or []
                ],
                "deductions": [
                    {"source": key, "label": labels.get(key, key), "points": number(value)}
                    for key, value in (group.get("deductions") or {}).items()
                ],
            }
            for group in groups(body)
        ],
    }
