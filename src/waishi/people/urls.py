from django.urls import path

from waishi.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.xlsx", views.person_export, name="export"),
    path("new/", views.person_create, name="create"),
    path("romanize/", views.romanize_preview, name="romanize"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/passports/new/", views.passport_create, name="passport_create"),
    path("passports/<int:pk>/custody/", views.passport_custody, name="passport_custody"),
]
