from django.urls import path

from perspektive.api.api import api

urlpatterns = [path("", api.urls)]
