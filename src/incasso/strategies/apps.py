from django.apps import AppConfig


class StrategiesConfig(AppConfig):
    name = "incasso.strategies"
    verbose_name = "Incassotrajecten"
    default_auto_field = "django.db.models.BigAutoField"
