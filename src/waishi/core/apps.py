from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "waishi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        # Outbox handlers register themselves on import.
        from waishi.core import jobs  # noqa: F401
