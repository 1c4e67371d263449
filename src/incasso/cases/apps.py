from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "incasso.cases"
    label = "cases"
