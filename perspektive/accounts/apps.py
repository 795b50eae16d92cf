from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "perspektive.accounts"
    label = "accounts"
