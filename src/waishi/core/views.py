from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waishi.core.access import access, public
from waishi.core.context import MODULES
from waishi.core.selectors import get_unit_for_user, units_for_user


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


login_view = public(auth_views.LoginView.as_view(template_name="core/login.html", redirect_authenticated_user=True))
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
    search = request.GET.get("q", "").strip()
    return render(request, "core/unit_list.html", {"units": units_for_user(request.user, search=search), "q": search})


@access()
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    return render(request, "core/unit_detail.html", {"unit": unit})
