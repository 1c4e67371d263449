from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "incasso.letters"
    label = "letters"
