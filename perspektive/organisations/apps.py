from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "perspektive.organisations"
    label = "organisations"
