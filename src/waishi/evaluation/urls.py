from waishi.evaluation import urls_analytics

app_name = "evaluation"

# The evaluation pages (rubric, evaluations, follow-ups) and, from urls_analytics, the charts.
urlpatterns = [
    *urls_analytics.urlpatterns,
]
