"""Open311 GeoReport v2 under ``/open311/v2/`` (``.json`` or ``.xml``)."""

from django.urls import re_path

from deliberation.views import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, open311.services, name="open311-services"),
    re_path(r"^services/(?P<code>[^/]+)" + FMT, open311.service_definition, name="open311-service"),
    re_path(r"^requests" + FMT, open311.requests_endpoint, name="open311-requests"),
    re_path(r"^requests/(?P<pk>[^/]+)" + FMT, open311.request_detail, name="open311-request"),
    re_path(r"^(?P<rest>.*)$", open311.not_found),
]
