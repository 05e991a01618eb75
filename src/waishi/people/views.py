from django.shortcuts import render

from waishi.core.access import access


@access()
def person_list(request):
    return render(request, "core/coming.html", {"module_label": "People"})


@access()
def person_detail(request, pk):
    return render(request, "core/coming.html", {"module_label": "People"})
