"""Open311 GeoReport v2 under ``/open311/v2/``."""

from django.urls import path, re_path

from deliberation.views import open311

urlpatterns = [
    path("services.json", open311.services, name="open311-services"),
    path("services/<str:code>.json", open311.service_definition, name="open311-service"),
    path("requests.json", open311.requests_endpoint, name="open311-requests"),
    path("requests/<str:pk>.json", open311.request_detail, name="open311-request"),
    re_path(r"^(?P<rest>.*)$", open311.not_found),
]
