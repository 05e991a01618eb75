from django.urls import path

from waishi.core import views, views_roles

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.unit_list, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("coming/<slug:module>/", views.coming, name="coming"),
    path("roles/", views_roles.role_list, name="roles"),
    path("roles/<int:pk>/revoke/", views_roles.role_revoke, name="role_revoke"),
]
