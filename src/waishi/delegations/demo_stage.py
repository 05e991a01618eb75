"""The trip stage of a demo delegation, through the trip part's services: the pre-trip
disclosure, visas, the briefing, passports out and back, the return registration, the post-trip
disclosure and the structured trip report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from waishi.delegations.models_trip import PassportCheckout, ResultStatus
from waishi.delegations.services_report import report_file, report_save
from waishi.delegations.services_trip import (
    briefing_record,
    disclosure_record,
    passport_checkin,
    passport_checkout,
    post_disclosure_record,
    return_register,
    visa_record,
)
from waishi.people.models import Passport

# Countries whose mutual agreements exempt Chinese official passports from visas (demo values).
VISA_FREE = frozenset({"SG", "MY", "TH", "KZ", "UZ", "BY", "HU", "RS"})
RESULTS = {
    ResultStatus.MET: "已完成。{text}，达成预期目标。",
    ResultStatus.PARTLY: "部分完成。{text}，外方需进一步内部审批，后续跟进。",
}
AGREEMENT_VERBS = ("续签", "签署")


def disclose(story, actor, day: dt.date) -> None:
    disclosure_record(
        actor=actor,
        delegation=story.delegation,
        where=f"{story.unit.name}门户网站及办公楼公示栏",
        posted_on=day,
        note="公示出访团组名单、任务、行程和经费预算，公示期内未收到异议。",
    )


def visas(story, actor, day: dt.date) -> None:
    countries = [s["country"] for s in story.stops if s["country"] not in VISA_FREE]
    for item in story.members:
        for code in dict.fromkeys(countries):
            visa_record(
                actor=actor,
                delegation=story.delegation,
                person=item["person"],
                country=code,
                kind="official",
                valid_from=day,
                valid_to=story.back + dt.timedelta(days=60),
            )


def briefing(story, actor, day: dt.date) -> None:
    for item in story.members:
        briefing_record(
            actor=actor, delegation=story.delegation, person=item["person"], attended_on=day
        )


def passports_out(story, officer) -> None:
    for item in story.members:
        passport = (
            Passport.objects.filter(
                person=item["person"],
                kind__in=Passport.OFFICIAL_KINDS,
                custody=Passport.Custody.IN_CUSTODY,
            )
            .order_by("-expires_on")
            .first()
        )
        passport_checkout(
            actor=officer, delegation=story.delegation, person=item["person"], passport=passport
        )


def passports_in(story, officer) -> None:
    checkouts = list(
        PassportCheckout.objects.filter(delegation=story.delegation, checked_in_at=None).order_by(
            "pk"
        )
    )
    if story.trip.late == "passport":
        checkouts = checkouts[:-1]  # one passport stays out: an overdue item for the demo
    for checkout in checkouts:
        passport_checkin(actor=officer, checkout=checkout)


def register_return(story, actor, returned_on: dt.date) -> None:
    """回国登记 as travelled: a late return moves the last stop's departure with it."""
    stops = [dict(stop) for stop in story.stops]
    late = (returned_on - story.back).days
    stops[-1]["depart"] += dt.timedelta(days=late)
    story.delegation = return_register(
        actor=actor,
        delegation=story.delegation,
        expected_version=story.delegation.version,
        left_china_on=story.leave,
        returned_on=returned_on,
        stops=stops,
        note=story.trip.late_return if late else "",
    ).delegation


def post_disclose(story, actor, day: dt.date) -> None:
    post_disclosure_record(
        actor=actor,
        delegation=story.delegation,
        where=f"{story.unit.name}门户网站",
        posted_on=day,
        note="公开出访任务完成情况和经费使用情况。",
    )


def file_report(story, actor, rng) -> None:
    delegation = story.delegation
    report = report_save(
        actor=actor, delegation=delegation, expected_version=None, **report_data(story, rng)
    )
    delegation.refresh_from_db()
    story.delegation = report_file(
        actor=actor, delegation=delegation, expected_version=report.version
    )


def report_data(story, rng) -> dict:
    trip, delegation = story.trip, story.delegation
    country = story.stops[0]["country"]
    middle = story.leave + (story.back - story.leave) // 2
    objectives = list(delegation.objectives.order_by("order"))
    statuses = [ResultStatus.MET] * len(objectives)
    if trip.grade == "合格" and statuses:
        statuses[-1] = ResultStatus.PARTLY
    return {
        "summary": f"{trip.title}。{trip.purpose}代表团按批准的日程完成了全部公务活动。",
        "compliance_declared": True,
        "compliance_note": "严格按批准的国家、天数和人数执行，未安排参观游览，经费按标准使用。",
        "results": [
            {"objective": o.pk, "status": s, "result": RESULTS[s].format(text=o.text)}
            for o, s in zip(objectives, statuses, strict=True)
        ],
        "agreements": [
            {"title": _agreement(o.text), "partner": trip.inviter, "signed_on": middle}
            for o in objectives
            if any(verb in o.text for verb in AGREEMENT_VERBS)
        ],
        "projects": _projects(trip, rng),
        "partners": [
            {"name": f"{trip.inviter}负责人", "organisation": trip.inviter, "country": country}
        ],
        "follow_ups": [
            {
                "plan": f"邀请{trip.inviter}年内回访江海，推动成果落地。",
                "responsible": story.unit.name,
                "due_on": story.back + dt.timedelta(days=180),
            }
        ],
        "spending": [
            {
                "kind": item["kind"],
                "amount": (item["amount"] * Decimal(rng.randint(85, 99)) / 100).quantize(
                    Decimal(1)
                ),
                "currency": item["currency"],
            }
            for item in story.application["budget"]
        ],
    }


def _agreement(text: str) -> str:
    for verb in AGREEMENT_VERBS:
        if verb in text:
            return text.split(verb, 1)[1] or text
    return text


def _projects(trip, rng) -> list[dict]:
    if trip.kind not in ("investment", "visit"):
        return []
    return [
        {
            "kind": "intention" if trip.kind == "investment" else "project",
            "name": f"{trip.inviter}对接合作项目（{trip.objectives[-1]}）",
            "amount": rng.randint(5, 80) * 1_000_000,
            "currency": "USD" if trip.kind == "investment" else "CNY",
            "partner": trip.inviter,
        }
    ]
