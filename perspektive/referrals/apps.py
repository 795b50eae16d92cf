from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "perspektive.referrals"
    label = "referrals"
