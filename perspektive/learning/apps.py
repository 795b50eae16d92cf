from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "perspektive.learning"
    label = "learning"
