from django.urls import path

from perspektive.notifications import views

app_name = "notifications"
urlpatterns = [
    path("status/<str:channel>/", views.delivery_status, name="delivery_status"),
]
