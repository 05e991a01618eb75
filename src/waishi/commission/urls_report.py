"""The annual report pages (included by commission/urls.py)."""

from django.urls import path

from waishi.commission import views_report

urlpatterns = [
    path("annual-report/", views_report.annual_report, name="annual_report"),
    path(
        "annual-report/generate/",
        views_report.annual_report_generate,
        name="annual_report_generate",
    ),
    path(
        "annual-report/<int:year>/<str:token>/",
        views_report.annual_report_download,
        name="annual_report_download",
    ),
]
