"""The work plan (工作要点) pages (included by commission/urls.py)."""

urlpatterns = []
