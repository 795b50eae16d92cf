from django.urls import path

from perspektive.core import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", views.health, name="health"),
    path("i18n/language/", views.set_language, name="set_language"),
]
