"""Our own 403 page, in the user's language.

Django's default handler would pass the exception to the template, and our policy raises
``PermissionDenied(action)``: the page must never show an internal action name such as
``register.view`` (viewflow's Material 403 template did, in English). The 400, 404 and 500
pages are the templates of the same names in ``templates/``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
