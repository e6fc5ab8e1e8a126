from django.urls import path

from deliberation.views import compounds, home

urlpatterns = [
    path("", home.home, name="home"),
    path("compounds/<int:pk>/", compounds.compound_detail, name="compound-detail"),
    path(
        "compounds/<int:pk>/announcements/",
        compounds.announcement_create,
        name="announcement-create",
    ),
]
