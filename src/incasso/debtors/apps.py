from django.apps import AppConfig


class DebtorsConfig(AppConfig):
    name = "incasso.debtors"
    label = "debtors"
