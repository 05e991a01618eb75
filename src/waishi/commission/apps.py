from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "waishi.commission"
    label = "commission"
    verbose_name = _("Commission")

    def ready(self):
        # Outbox handlers register themselves on import.
        from waishi.commission import jobs_workplan  # noqa: F401
