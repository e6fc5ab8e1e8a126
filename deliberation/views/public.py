"""The public pages, no login: the subdistrict's compounds by category and management mode,
a community, a compound (notice board, services directory, committee, published minutes
and vote results, the firm's alliance membership), an issue's status behind its link, and
how to report or get an account. What they may show is decided in
``deliberation.selectors.public`` (places and organizations, never a person)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.selectors import public as read
from deliberation.selectors.public_status import public_status

#: How long a shared cache (a CDN in front of the site) may keep a public page.
CACHE_SECONDS = 300

View = Callable[..., HttpResponse]


def public_page(view: View) -> View:
    """GET/HEAD only; cacheable by shared caches for visitors without a login (the page is
    the same for all of them), private for the logged-in (their header names them)."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, max_age=0)
            else:
                patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapper


@public_page
def subdistrict(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "public.view")
    places = read.subdistricts()
    compounds = [c for s in places for cm in s.communities.all() for c in cm.compounds.all()]
    context = {
        "subdistricts": places,
        "by_category": read.compounds_by(compounds, "category"),
        "by_mode": read.compounds_by(compounds, "management_mode"),
    }
    return render(request, "public/subdistrict.html", context)


@public_page
def community(request: HttpRequest, pk: int) -> HttpResponse:
    found = read.community(pk)
    if found is None:
        raise Http404
    policy.require(request.user, "public.view", found)
    return render(request, "public/community.html", {"community": found})


@public_page
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    page = read.compound_page(pk)
    if page is None:
        raise Http404
    policy.require(request.user, "public.view", page.compound)
    return render(request, "public/compound.html", {"page": page, "compound": page.compound})


@public_page
def issue_status(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link; a wrong or made-up link reads like a missing page."""
    status = public_status(token)
    if status is None:
        raise Http404
    return render(request, "public/issue_status.html", {"status": status, "issue": status.issue})


@public_page
def guide(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "public.view")
    return render(request, "public/guide.html")
