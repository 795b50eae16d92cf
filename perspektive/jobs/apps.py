from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "perspektive.jobs"
    label = "jobs"
