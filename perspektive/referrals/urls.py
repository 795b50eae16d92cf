from django.urls import path

from perspektive.referrals import views

app_name = "referrals"
urlpatterns = [
    path("handovers/", views.handover_list, name="list"),
    path("handovers/new/<int:client_id>/", views.handover_create, name="create"),
    path("handovers/<int:handover_id>/", views.handover_detail, name="detail"),
    path("handovers/<int:handover_id>/edit/", views.handover_edit, name="edit"),
    path("handovers/<int:handover_id>/status/", views.handover_status, name="status"),
    path("mine/", views.my_handovers, name="my_handovers"),
]
