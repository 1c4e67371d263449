from django.apps import AppConfig


class RatesConfig(AppConfig):
    name = "incasso.rates"
    label = "rates"
