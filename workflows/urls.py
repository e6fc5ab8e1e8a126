from django.urls import path

from workflows import views

urlpatterns = [
    path("sessions/new/", views.convene, name="session-convene"),
]
