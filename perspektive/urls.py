from django.urls import include, path

urlpatterns = [
    path("", include("perspektive.core.urls")),
    path("accounts/", include("perspektive.accounts.urls")),
    path("clients/", include("perspektive.clients.urls")),
    path("cases/", include("perspektive.cases.urls")),
    path("jobs/", include("perspektive.jobs.urls")),
    path("appointments/", include("perspektive.appointments.urls")),
    path("chat/", include("perspektive.chat.urls")),
    path("notifications/", include("perspektive.notifications.urls")),
    path("referrals/", include("perspektive.referrals.urls")),
    path("learning/", include("perspektive.learning.urls")),
    path("api/v1/", include("perspektive.api.urls")),
]
