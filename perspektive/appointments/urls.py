from django.urls import path

from perspektive.appointments import views

app_name = "appointments"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("book/", views.book_index, name="book"),
    path("book/<slug:slug>/", views.book_centre, name="book_centre"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/<str:token>/move/", views.manage_move, name="manage_move"),
    path("manage/<str:token>/appointment.ics", views.manage_ics, name="manage_ics"),
    path("<int:appointment_id>/", views.detail, name="detail"),
    path("<int:appointment_id>/outcome/", views.outcome, name="outcome"),
    path("<int:appointment_id>/client/", views.link_client, name="link_client"),
    path("<int:appointment_id>/client/new/", views.create_client, name="create_client"),
    path("hours/", views.hours, name="hours"),
    path("hours/<str:kind>/<int:item_id>/remove/", views.hours_remove, name="hours_remove"),
]
