from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "incasso.clients"
    label = "clients"
