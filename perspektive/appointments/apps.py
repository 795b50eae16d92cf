from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "perspektive.appointments"
    label = "appointments"
