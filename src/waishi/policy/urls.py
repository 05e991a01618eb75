from django.urls import path

from waishi.policy import views

app_name = "policy"

urlpatterns = [
    path("standards/", views.standards, name="standards"),
    path("standards/export.xlsx", views.standards_export, name="standards_export"),
    path("standards/import/", views.standards_import, name="standards_import"),
    path("standards/versions/<int:pk>/activate/", views.version_activate, name="version_activate"),
]
