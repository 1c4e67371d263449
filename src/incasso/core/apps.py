from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "incasso.core"
    label = "core"
