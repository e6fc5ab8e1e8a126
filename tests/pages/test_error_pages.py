"""The 403, 404 and 500 pages a person meets: ours, in their language, with a way home, and
never a link they may not follow.

Before: a resident following the owner-register link got viewflow's Material page in
English, "403 Access Forbidden" with the policy's action name ``register.view``.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.clients import login_client

HREF = re.compile(r'href="(/[^"]*)"')


def links(html: str) -> list[str]:
    """The page's own links a person can follow (not stylesheets and icons)."""
    return [u for u in HREF.findall(html) if not u.startswith("/static/")]


def assert_every_link_can_be_followed(client: Client, html: str) -> None:
    found = links(html)
    assert reverse("home") in found, found  # a way home
    for url in found:
        status = client.get(url).status_code
        assert status in (200, 302), f"{url} answers {status} to the same person"


def test_a_resident_does_not_see_the_owner_register_link(demo) -> None:
    resident = login_client(demo.user("jumin"))
    register = reverse("owner-register", args=[demo.tuanjie.pk])
    for page in (
        reverse("compound-detail", args=[demo.tuanjie.pk]),
        reverse("compound-votes", args=[demo.tuanjie.pk]),
    ):
        html = resident.get(page).content.decode()
        assert register not in html, page
    # ... and the owners' committee, which may open the register, does.
    committee = login_client(demo.user("yeweihui"))
    html = committee.get(reverse("compound-detail", args=[demo.tuanjie.pk])).content.decode()
    assert register in html


def test_a_resident_at_the_owner_register_gets_our_403_in_chinese(demo) -> None:
    resident = login_client(demo.user("jumin"))
    response = resident.get(reverse("owner-register", args=[demo.tuanjie.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "您无权查看此页面" in html and "居委会" in html
    assert "register.view" not in html and "Access Forbidden" not in html
    assert "site-header" in html  # the page is ours, with our header and navigation
    assert_every_link_can_be_followed(resident, html)


def test_the_403_page_in_english(demo) -> None:
    resident = login_client(demo.user("jumin"))
    response = resident.get(
        reverse("owner-register", args=[demo.tuanjie.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html and "Back to the home page" in html
    assert "您无权" not in html and "register.view" not in html


def test_a_firm_at_another_compounds_register_gets_the_same_page(demo) -> None:
    firm = login_client(demo.user("wuye"))
    response = firm.get(reverse("owner-register", args=[demo.qinggong.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "您无权查看此页面" in html and "register.view" not in html
    assert_every_link_can_be_followed(firm, html)


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("zh-hans", "页面不存在", "返回首页"), ("en", "Page not found", "Back to the home page")],
)
def test_a_bad_address_gets_our_404(demo, language, heading, home) -> None:
    resident = login_client(demo.user("jumin"))
    response = resident.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html and home in html and f'<html lang="{language}">' in html
    assert_every_link_can_be_followed(resident, html)


def test_a_stranger_on_a_bad_address_sees_no_navigation(demo) -> None:
    html = Client().get("/no-such-page/").content.decode()
    assert "页面不存在" in html
    assert links(html) == [reverse("home"), reverse("home")]  # brand and "back home"


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [("zh-hans", "服务器错误", "返回首页"), ("en", "Server error", "Back to the home page")],
)
def test_a_failing_page_gets_our_500(demo, settings, language, heading, home) -> None:
    settings.ROOT_URLCONF = "tests.pages.error_urls"
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("jumin"))
    response = client.get("/broken/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html and home in html and 'href="/"' in html
    assert "a bug in a view" not in html and "Traceback" not in html
