from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "perspektive.consent"
    label = "consent"
