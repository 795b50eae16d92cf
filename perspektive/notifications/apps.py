from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "perspektive.notifications"
    label = "notifications"
