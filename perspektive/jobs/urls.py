from django.urls import path

from perspektive.jobs import board, coverage, views

app_name = "jobs"
urlpatterns = [
    path("offers/", views.offer_list, name="offer_list"),
    path("coverage/", coverage.coverage_view, name="coverage"),
    path("board/", board.board_index, name="board"),
    path("board/<str:country>/", board.board_country, name="board_country"),
    path("board/offers/<int:offer_id>/", board.board_offer, name="board_offer"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:offer_id>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:offer_id>/status/", views.offer_status, name="offer_status"),
    path("occupations/", views.occupation_suggest, name="occupation_suggest"),
    path("profiles/<int:client_id>/", views.profile_detail, name="profile"),
    path("profiles/<int:client_id>/wanted/", views.wanted_add, name="wanted_add"),
    path(
        "profiles/<int:client_id>/wanted/<int:occupation_id>/remove/",
        views.wanted_remove,
        name="wanted_remove",
    ),
    path("profiles/<int:client_id>/experience/", views.experience_add, name="experience_add"),
    path(
        "profiles/<int:client_id>/experience/<int:experience_id>/remove/",
        views.experience_remove,
        name="experience_remove",
    ),
    path(
        "profiles/<int:client_id>/qualifications/",
        views.qualification_add,
        name="qualification_add",
    ),
    path("profiles/<int:client_id>/matches/", views.client_matches, name="matches"),
    path("profiles/<int:client_id>/propose/<int:offer_id>/", views.propose, name="propose"),
    path("applications/<int:application_id>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:application_id>/status/",
        views.application_status,
        name="application_status",
    ),
    path(
        "applications/<int:application_id>/retention/",
        views.application_retention,
        name="application_retention",
    ),
]
