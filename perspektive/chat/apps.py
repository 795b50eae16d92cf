from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "perspektive.chat"
    label = "chat"
