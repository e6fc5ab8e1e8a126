"""The project's URLs plus one page that fails, to see the 500 page a person gets."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def broken_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("broken/", broken_page),
    path("", include("project.urls")),
]

handler403 = "project.error_pages.permission_denied"
