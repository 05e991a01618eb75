from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from waishi.config.api import api
from waishi.core import views as core_views
from waishi.core.access import public

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", core_views.login_view, name="login"),
    path("accounts/logout/", core_views.logout_view, name="logout"),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("people/", include("waishi.people.urls")),
    path("policy/", include("waishi.policy.urls")),
    path("commission/", include("waishi.commission.urls")),
    path("delegations/", include("waishi.delegations.urls")),
    path("evaluation/", include("waishi.evaluation.urls")),
    path("", include("waishi.core.urls")),
]
