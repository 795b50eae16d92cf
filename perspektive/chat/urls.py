from django.urls import path

from perspektive.chat import views

app_name = "chat"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/send/", views.send, name="send"),
    path("<int:conversation_id>/leave-message/", views.leave_message, name="leave_message"),
    path("console/", views.console, name="console"),
    path("console/queue/", views.console_queue, name="console_queue"),
    path("console/<int:conversation_id>/", views.console_panel, name="console_panel"),
    path("console/<int:conversation_id>/claim/", views.claim, name="claim"),
    path("console/<int:conversation_id>/transfer/", views.transfer, name="transfer"),
    path("console/<int:conversation_id>/close/", views.close, name="close"),
    path("console/<int:conversation_id>/attach/", views.attach, name="attach"),
    path("canned/", views.canned, name="canned"),
    path("canned/<int:answer_id>/delete/", views.canned_delete, name="canned_delete"),
]
