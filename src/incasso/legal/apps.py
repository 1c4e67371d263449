from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "incasso.legal"
    label = "legal"
    verbose_name = "Legal: limitation, hand-over, summons"
