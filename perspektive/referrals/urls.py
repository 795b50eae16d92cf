from django.urls import path

from perspektive.referrals import partner_views, views

app_name = "referrals"
urlpatterns = [
    path("handovers/", views.handover_list, name="list"),
    path("handovers/new/<int:client_id>/", views.handover_create, name="create"),
    path("handovers/<int:handover_id>/", views.handover_detail, name="detail"),
    path("handovers/<int:handover_id>/edit/", views.handover_edit, name="edit"),
    path("handovers/<int:handover_id>/status/", views.handover_status, name="status"),
    path("mine/", views.my_handovers, name="my_handovers"),
    path("partners/", partner_views.partner_directory, name="partner_directory"),
    path(
        "partners/services/new/",
        partner_views.partner_service_create,
        name="partner_service_create",
    ),
    path(
        "partners/services/<int:service_id>/edit/",
        partner_views.partner_service_edit,
        name="partner_service_edit",
    ),
    path("partner-referrals/", partner_views.referral_list, name="referral_list"),
    path(
        "partner-referrals/new/<int:client_id>/",
        partner_views.referral_create,
        name="referral_create",
    ),
    path(
        "partner-referrals/<int:referral_id>/",
        partner_views.referral_detail,
        name="referral_detail",
    ),
    path(
        "partner-referrals/<int:referral_id>/status/",
        partner_views.referral_status,
        name="referral_status",
    ),
]
