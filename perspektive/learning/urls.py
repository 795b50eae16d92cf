from django.urls import path

from perspektive.learning import views

app_name = "learning"
urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/status/", views.course_status, name="course_status"),
    path("clients/<int:client_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:enrolment_id>/record/", views.enrolment_record, name="record"),
    path("enrolments/<int:enrolment_id>/cancel/", views.enrolment_cancel, name="cancel"),
    path(
        "enrolments/<int:enrolment_id>/certificate/",
        views.certificate_download,
        name="certificate",
    ),
    path("mine/", views.my_courses, name="mine"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
