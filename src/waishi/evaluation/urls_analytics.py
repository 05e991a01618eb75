"""The analytics pages of the evaluation app (included by evaluation/urls.py)."""

from django.urls import path

from waishi.evaluation import views_analytics

urlpatterns = [
    path("analytics/", views_analytics.analytics_page, name="analytics"),
    path("analytics/export.xlsx", views_analytics.analytics_export, name="analytics_export"),
]
