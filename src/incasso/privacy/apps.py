from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "incasso.privacy"
    verbose_name = "Privacy (AVG)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from incasso.privacy import checks  # noqa: F401  (registers the system check)
