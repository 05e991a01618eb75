"""The annual report pages (included by commission/urls.py)."""

urlpatterns = []
