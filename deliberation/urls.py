from django.urls import path

from deliberation.views import compounds, health, home

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("compounds/<int:pk>/", compounds.compound_detail, name="compound-detail"),
    path(
        "compounds/<int:pk>/announcements/",
        compounds.announcement_create,
        name="announcement-create",
    ),
]
