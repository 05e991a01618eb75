"""URLs of the browse part of the delegations module (list, page, actions, calendar, mine)."""

from django.urls import path

from waishi.delegations import views_browse, views_transition

urlpatterns = [
    path("", views_browse.delegation_list, name="list"),
    path("export.xlsx", views_browse.delegation_export, name="export"),
    path("calendar/", views_browse.delegation_calendar, name="calendar"),
    path("mine/", views_browse.my_delegations, name="mine"),
    path("<int:pk>/", views_browse.delegation_detail, name="detail"),
    path(
        "<int:pk>/act/<slug:action>/",
        views_transition.delegation_transition_view,
        name="transition",
    ),
]
