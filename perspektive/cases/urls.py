from django.urls import path

from perspektive.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("open/<int:client_id>/", views.case_open, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/edit/", views.case_edit, name="edit"),
    path("<int:case_id>/status/", views.case_status, name="status"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/assessment/", views.assessment_add, name="assessment_add"),
    path("<int:case_id>/plan/", views.plan_edit, name="plan_edit"),
    path("<int:case_id>/measures/new/", views.measure_add, name="measure_add"),
    path("<int:case_id>/transfer/", views.case_transfer, name="transfer"),
    path("measures/<int:measure_id>/status/", views.measure_status, name="measure_status"),
]
