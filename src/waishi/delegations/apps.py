from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "waishi.delegations"
    label = "delegations"
    verbose_name = _("Outbound delegations")

    def ready(self):
        # Outbox handlers register themselves on import.
        from waishi.delegations import jobs  # noqa: F401
