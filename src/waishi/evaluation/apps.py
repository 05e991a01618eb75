from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "waishi.evaluation"
    label = "evaluation"
    verbose_name = _("Performance evaluation")

    def ready(self):
        # Outbox handlers register on import (opening evaluations, follow-ups, chasing).
        from waishi.evaluation import jobs  # noqa: F401
