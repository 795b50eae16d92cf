from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "perspektive.api"
    label = "api"
