from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "incasso.reports"
    verbose_name = "Rapportages"
    default_auto_field = "django.db.models.BigAutoField"
