from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "perspektive.clients"
    label = "clients"
