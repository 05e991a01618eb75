from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waishi.core.access import access, public
from waishi.core.context import MODULES
from waishi.core.selectors import get_unit_for_user, unit_ancestors, units_for_user


@public
@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:  # the demo's logins are public knowledge; never list real ones
            from waishi.core.demo_accounts import DEMO_PASSWORD, demo_logins

            context.update(demo_logins=demo_logins(), demo_password=DEMO_PASSWORD)
        return context


login_view = public(LoginView.as_view())
logout_view = public(auth_views.LogoutView.as_view())


@access()
def dashboard(request):
    from waishi.core.dashboard import dashboard_context

    return render(request, "core/dashboard.html", dashboard_context(request.user))


@access()
def coming(request, module):
    labels = {coming: label for _key, label, _url, coming in MODULES if coming}
    if module not in labels:
        raise Http404
    return render(request, "core/coming.html", {"module_label": labels[module]})


@access()
def unit_list(request):
    search = request.GET.get("q", "").strip()[:100]
    units = units_for_user(request.user, search=search)
    return render(request, "core/unit_list.html", {"units": units, "q": search})


@access()
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    context = {
        "unit": unit,
        "ancestors": unit_ancestors(request.user, unit),
        "children": units_for_user(request.user).filter(parent=unit),
        "people_count": unit.people.count(),
    }
    return render(request, "core/unit_detail.html", context)
