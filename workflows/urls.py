from django.urls import path

from workflows import views

urlpatterns = [
    path("sessions/new/", views.convene, name="session-convene"),
    path("sessions/<int:pk>/invitations/<str:party>/reply/", views.reply, name="session-reply"),
    path("sessions/<int:pk>/open/", views.open_session, name="session-open"),
    path("sessions/<int:pk>/end/", views.end_session, name="session-end"),
    path("sessions/<int:pk>/minutes/publish/", views.publish_minutes, name="session-publish"),
]
