from django.shortcuts import render

from waishi.core.access import access


@access()
def standards(request):
    return render(request, "core/coming.html", {"module_label": "Per-diem standards"})
