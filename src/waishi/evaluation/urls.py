from django.urls import path

from waishi.evaluation import (
    urls_analytics,
    views_evaluation,
    views_followup,
    views_rubric,
    views_scoring,
)

app_name = "evaluation"

# The evaluation pages (rubric, evaluations, follow-ups) and, from urls_analytics, the charts.
# A rubric version has no edit URL on purpose: a change is a new version.
urlpatterns = [
    path("", views_evaluation.evaluation_list, name="list"),
    path("export.xlsx", views_evaluation.evaluation_export, name="export"),
    path("rubric/", views_rubric.rubric, name="rubric"),
    path("rubric/new/", views_rubric.rubric_new, name="rubric_new"),
    path("rubric/versions/<int:pk>/", views_rubric.rubric_version, name="rubric_version"),
    path(
        "rubric/versions/<int:pk>/activate/",
        views_rubric.rubric_activate,
        name="rubric_activate",
    ),
    path("<int:pk>/", views_evaluation.evaluation_detail, name="detail"),
    path("<int:pk>/report.docx", views_evaluation.evaluation_report, name="report"),
    path("<int:pk>/self-assessment/", views_scoring.self_assess, name="self_assess"),
    path("<int:pk>/score/", views_scoring.score, name="score"),
    path("<int:pk>/second/", views_scoring.second, name="second"),
    path("<int:pk>/deductions/", views_scoring.deduction_add, name="deduction_add"),
    path(
        "<int:pk>/deductions/<int:deduction_pk>/waive/",
        views_scoring.deduction_waive,
        name="deduction_waive",
    ),
    path(
        "<int:pk>/follow-ups/<int:round_pk>/",
        views_followup.follow_up,
        name="follow_up",
    ),
    *urls_analytics.urlpatterns,
]
