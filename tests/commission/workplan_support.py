"""Helpers of the work plan tests (imported by tests/commission/test_workplan_*.py).

A plan of three items: 市商务局 (commerce, the `liaison`'s unit) leads one due in a month with
市教育局 (education, the `outsider`'s unit) supporting, education leads one due in two months,
and commerce leads one ten days overdue. The plan's year is that of forty days ago, so the
overdue item's deadline always lies inside it.
"""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from tests.core.test_uploads import png_bytes
from waishi.commission import services_workplan as services
from waishi.commission.models_workplan import WorkItem, WorkPlan

TODAY = timezone.localdate()
YEAR = (TODAY - dt.timedelta(days=40)).year


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the catalogue translates."""
    with translation.override("en"):
        yield


def make_plan(secretariat, commerce, education, *, year=YEAR, adopt=True) -> WorkPlan:
    plan = services.work_plan_create(
        actor=secretariat, year=year, title=f"市委外事工作委员会{year}年工作要点"
    )
    add = services.work_item_add
    add(actor=secretariat, plan=plan, section="一、服务高水平对外开放",
        task="推动与友城的经贸合作", lead_unit=commerce, supporting_units=[education],
        deadline=TODAY + dt.timedelta(days=30), measure="签署合作备忘录2份")  # fmt: skip
    add(actor=secretariat, plan=plan, section="二、深化国际友城交流合作",
        task="组织教育国际交流项目", lead_unit=education,
        deadline=TODAY + dt.timedelta(days=60))  # fmt: skip
    add(actor=secretariat, plan=plan, section="一、服务高水平对外开放",
        task="梳理境外投资安全风险台账", lead_unit=commerce,
        deadline=TODAY - dt.timedelta(days=10))  # fmt: skip
    if adopt:
        plan = services.work_plan_adopt(actor=secretariat, plan=plan, expected_version=1)
    return plan


def item(plan, number) -> WorkItem:
    return WorkItem.objects.get(plan=plan, number=number)


def png(name="合影.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def disguised(name="完成报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "只是文字".encode(), content_type="application/pdf")


def report(actor, work_item, **fields):
    work_item.refresh_from_db()
    fields = {"percent": 50, "status": "in_progress", "note": "按计划推进", **fields}
    return services.work_item_report(
        actor=actor, item=work_item, expected_version=work_item.version, **fields
    )


def many_items(secretariat, plan, unit, count):
    for n in range(count):
        services.work_item_add(
            actor=secretariat,
            plan=plan,
            section=f"第{n % 3}部分",
            task=f"批量任务{n}",
            lead_unit=unit,
            deadline=TODAY + dt.timedelta(days=n % 40 - 20),
        )


def xlsx_rows(response):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))
