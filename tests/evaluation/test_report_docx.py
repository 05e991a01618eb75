"""The evaluation report of a delegation (因公出访团组绩效评估报告) as .docx in the official
layout, downloaded from its page and read back as Word would."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.conftest import client_for
from tests.evaluation.conftest import score, self_assess
from waishi.evaluation import services
from waishi.evaluation.models import ResultKind

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_of(user, evaluation) -> Document:
    response = client_for(user).get(reverse("evaluation:report", args=[evaluation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment;" in response["Content-Disposition"]
    return Document(io.BytesIO(b"".join(response.streaming_content)))


def table_starting(document, *header):
    return next(t for t in document.tables if tuple(c.text for c in t.rows[0].cells) == header)


@pytest.fixture
def evaluated(evaluated_trip, liaison, evaluator):
    """Reported late (a pre-filled deduction, then waived), scored, its 6-month round in."""
    evaluation = self_assess(evaluated_trip(days_ago=60), liaison)
    late = evaluation.deductions.get(source="report_late")
    services.deduction_waive(actor=evaluator, deduction=late, reason="因公务延误")
    services.deduction_add(
        actor=evaluator, evaluation=evaluation, source="other", points=2, reason="未按时报送照片"
    )
    evaluation = score(evaluation, evaluator, partners=6)
    follow_up = evaluation.follow_up_rounds.get(months=6)
    services.follow_up_submit(
        actor=liaison,
        round=follow_up,
        expected_version=follow_up.version,
        results={
            r.pk: {
                "status": "realised",
                "amount_realised": 300000 if r.kind == ResultKind.PROJECT else None,
                "note": "",
            }
            for r in follow_up.results.all()
        },
        note="项目已落地",
    )
    evaluation.refresh_from_db()
    return evaluation


def test_the_report_has_the_title_facts_and_every_section(liaison, evaluated):
    document = report_of(liaison, evaluated)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "因公出访团组绩效评估报告"
    assert texts[1] == evaluated.delegation.title
    assert "团组名称：汉堡港口合作考察" in texts and "组团单位：市商务局" in texts
    assert any(t.startswith("出访国家（地区）：德国") for t in texts)
    assert any(t.startswith("评估指标：因公出访团组绩效评估指标（第1版") for t in texts)
    assert [
        t for t in texts if t[:2] in {"一、", "二、", "三、", "四、", "五、", "六、", "七、"}
    ] == [
        "一、团组基本情况",
        "二、评分情况",
        "三、合规扣分",
        "四、一票否决事项",
        "五、评估结论",
        "六、评估人员",
        "七、成果落实回访",
    ]
    assert f"总分：{evaluated.total:f}".rstrip("0").rstrip(".") + "分" in texts
    assert "等级：优秀（90分及以上）" in texts


def test_the_scores_table_has_every_indicator_with_self_and_final_points(liaison, evaluated):
    document = report_of(liaison, evaluated)
    table = table_starting(document, "指标组", "指标", "满分", "自评", "评分", "评分依据")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [row[1] for row in rows] == [
        "出访目标完成情况",
        "日程按批准执行",
        "签署协议和备忘录",
        "项目、意向和投资贸易金额",
        "新建合作关系",
        "成果落实情况",
    ]
    partners = rows[4]
    assert partners[2:5] == ["8", "8", "6"] and partners[5] == "见出访报告：partners"
    groups = table_starting(document, "指标组", "权重", "得分")
    last = [c.text for c in groups.rows[-1].cells]
    assert last[0] == "合计" and last[2] == f"{evaluated.total.normalize():f}"


def test_the_deductions_table_names_the_source_and_the_waiver(liaison, evaluated):
    table = table_starting(
        report_of(liaison, evaluated), "序号", "扣分事项", "扣分", "事实依据", "处理"
    )
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    late = rows["出访报告逾期提交"]
    assert late[2] == "−4" and late[4] == "免于扣分：因公务延误"
    assert evaluated.deductions.get(source="report_late").source_detail in late[3]
    assert rows["其他"][2] == "−2" and "未按时报送照片" in rows["其他"][3]


def test_the_evaluators_and_the_follow_ups_are_named(liaison, evaluator, evaluated):
    document = report_of(liaison, evaluated)
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith(f"自评：{liaison}") for t in texts)
    assert any(t.startswith(f"评估：{evaluator}") for t in texts)
    assert "（一）6个月回访" in texts and "（二）12个月回访" in texts
    assert "落实情况：6/6项已落实" in texts and "状态：待提交" in texts
    results = table_starting(document, "序号", "类别", "成果", "落实情况", "已落实金额", "说明")
    amounts = [row.cells[4].text for row in results.rows[1:]]
    assert "300,000.00 EUR" in amounts
    assert "项目已落地" in texts


def test_the_report_uses_the_official_layout(liaison, evaluated):
    document = report_of(liaison, evaluated)
    title = document.paragraphs[0].runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title.font.size == Pt(22)
    section = document.sections[0]
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)


def test_a_veto_is_written_out(evaluated_trip, liaison, evaluator):
    evaluation = self_assess(evaluated_trip(), liaison)
    evaluation = score(
        evaluation, evaluator, veto_code="serious_discipline", veto_reason="擅自延长停留"
    )
    texts = [p.text for p in report_of(liaison, evaluation).paragraphs]
    assert "严重违反外事纪律：擅自延长停留" in texts
    assert "等级：不合格（一票否决）" in texts
