from django.urls import path

from waishi.core import sudo, views, views_admin, views_audit, views_roles

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.unit_list, name="units"),
    path("units/new/", views_admin.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views_admin.unit_edit, name="unit_edit"),
    path("units/<int:pk>/move/", views_admin.unit_move, name="unit_move"),
    path("units/<int:pk>/active/", views_admin.unit_set_active, name="unit_set_active"),
    path("coming/<slug:module>/", views.coming, name="coming"),
    path("sudo/", sudo.sudo_view, name="sudo"),
    path("roles/", views_roles.role_list, name="roles"),
    path("roles/<int:pk>/revoke/", views_roles.role_revoke, name="role_revoke"),
    path("users/", views_admin.user_list, name="users"),
    path("users/new/", views_admin.user_create, name="user_create"),
    path("users/<int:pk>/", views_admin.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views_admin.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views_admin.user_password, name="user_password"),
    path("users/<int:pk>/active/", views_admin.user_set_active, name="user_set_active"),
    path(
        "users/<int:pk>/tokens/<int:token_pk>/revoke/",
        views_admin.user_token_revoke,
        name="user_token_revoke",
    ),
    path("account/tokens/", views_admin.token_list, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views_admin.token_revoke, name="token_revoke"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.xlsx", views_audit.audit_export, name="audit_export"),
    path("audit/verify/", views_audit.audit_verify_view, name="audit_verify"),
    path("audit/<int:seq>/", views_audit.audit_detail, name="audit_detail"),
]
