"""The analytics pages of the evaluation app (included by evaluation/urls.py)."""

urlpatterns = []
