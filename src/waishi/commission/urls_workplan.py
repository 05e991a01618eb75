"""The work plan (工作要点) pages (included by commission/urls.py)."""

from django.urls import path

from waishi.commission import views_workplan as views

urlpatterns = [
    path("workplan/", views.plan_index, name="workplan"),
    path("workplan/new/", views.plan_create, name="workplan_create"),
    path("workplan/overdue/", views.overdue_list, name="workplan_overdue"),
    path("workplan/<int:year>/", views.plan_detail, name="workplan_year"),
    path("workplan/<int:year>/export.xlsx", views.plan_export, name="workplan_export"),
    path("workplan/<int:year>/dashboard/", views.plan_dashboard, name="workplan_dashboard"),
    path("workplan/<int:year>/edit/", views.plan_edit, name="workplan_edit"),
    path("workplan/<int:year>/adopt/", views.plan_adopt, name="workplan_adopt"),
    path("workplan/<int:year>/items/new/", views.item_add, name="workplan_item_add"),
    path("workplan/items/<int:pk>/", views.item_detail, name="workplan_item"),
    path("workplan/items/<int:pk>/edit/", views.item_edit, name="workplan_item_edit"),
    path("workplan/items/<int:pk>/remove/", views.item_remove, name="workplan_item_remove"),
    path("workplan/items/<int:pk>/cancel/", views.item_cancel, name="workplan_item_cancel"),
    path("workplan/items/<int:pk>/reopen/", views.item_reopen, name="workplan_item_reopen"),
    path("workplan/items/<int:pk>/report/", views.item_report, name="workplan_item_report"),
    path("workplan/items/<int:pk>/links/", views.item_link, name="workplan_item_link"),
    path("workplan/links/<int:pk>/remove/", views.link_remove, name="workplan_link_remove"),
    path("workplan/evidence/<int:pk>/", views.evidence_download, name="workplan_evidence"),
]
