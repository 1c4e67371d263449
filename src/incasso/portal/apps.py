from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "incasso.portal"
    label = "portal"
    verbose_name = _("Debtor portal")

    def ready(self) -> None:
        from incasso.portal import checks  # noqa: F401  (registers the deploy check)
