from django.urls import path

from waishi.policy import views

app_name = "policy"

urlpatterns = [
    path("standards/", views.standards, name="standards"),
    path("standards/export.xlsx", views.standards_export, name="standards_export"),
    path("standards/import/", views.standards_import, name="standards_import"),
    path("standards/versions/<int:pk>/activate/", views.version_activate, name="version_activate"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rules_new, name="rules_new"),
    path("rules/versions/<int:pk>/", views.rules_version, name="rules_version"),
    path("rules/versions/<int:pk>/activate/", views.rules_activate, name="rules_activate"),
]
