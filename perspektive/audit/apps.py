from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "perspektive.audit"
    label = "audit"
