"""URLs of the trip part of the delegations module: the hub of one delegation, its forms and
documents, and the units blocked for overdue items."""

from django.urls import path

from waishi.delegations import views_report, views_trip

urlpatterns = [
    path("<int:pk>/trip/", views_trip.trip, name="trip"),
    path("<int:pk>/trip/disclosure/", views_trip.trip_disclosure, name="trip_disclosure"),
    path("<int:pk>/trip/passports/out/", views_trip.trip_checkout, name="trip_checkout"),
    path(
        "<int:pk>/trip/passports/<int:checkout_pk>/in/",
        views_trip.trip_checkin,
        name="trip_checkin",
    ),
    path("<int:pk>/trip/visas/", views_trip.trip_visa, name="trip_visa"),
    path(
        "<int:pk>/trip/visas/<int:visa_pk>/delete/",
        views_trip.trip_visa_delete,
        name="trip_visa_delete",
    ),
    path("<int:pk>/trip/briefing/", views_trip.trip_briefing, name="trip_briefing"),
    path("<int:pk>/trip/return/", views_trip.trip_return, name="trip_return"),
    path(
        "<int:pk>/trip/post-disclosure/",
        views_trip.trip_post_disclosure,
        name="trip_post_disclosure",
    ),
    path("<int:pk>/trip/report/", views_report.trip_report, name="trip_report"),
    path("<int:pk>/trip/photos/", views_trip.trip_photo, name="trip_photo"),
    path(
        "<int:pk>/trip/photos/<int:photo_pk>/",
        views_trip.trip_photo_file,
        name="trip_photo_file",
    ),
    path(
        "<int:pk>/documents/<slug:kind>.docx",
        views_trip.trip_document,
        name="document",
    ),
    path("blocked-units/", views_trip.blocked_units, name="blocked_units"),
    path(
        "blocked-units/<int:unit_pk>/lift/",
        views_trip.blocked_unit_lift,
        name="blocked_unit_lift",
    ),
]
