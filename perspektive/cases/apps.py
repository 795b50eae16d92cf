from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "perspektive.cases"
    label = "cases"
