"""The public pages, no login (issue 11 §4): the subdistrict's compounds by category and
management mode, a community, a compound (services directory with contacts and hours, the
committee's term, notice board, published minutes and vote results, the firm's alliance
membership, links to the published evaluation pages), the guide; cacheable for visitors."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from deliberation.models import Community, Organization
from deliberation.services.votes import publish_results
from tests.hardening.growth_sessions import minuted_session
from tests.hardening.surfaces_votes import tallied
from tests.support.clients import login_client


def _get(url: str, client: Client | None = None) -> str:
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_subdistrict_page_lists_compounds_by_category_and_management_mode(demo) -> None:
    response = Client().get(reverse("public-subdistrict"))
    assert response.status_code == 200
    html = response.content.decode()
    for compound in ("团结公寓", "轻工宿舍", "水碓子东里", "团结湖北里直管公房", "中路北六条"):
        assert html.count(f">{compound}</a>") == 2, compound  # once by category, once by mode
    by_category = html.split('id="public-by-category"')[1].split("</section>")[0]
    assert "商品房" in by_category or "commercial housing" in by_category
    by_mode = html.split('id="public-by-mode"')[1].split("</section>")[0]
    assert "中路北六条" in by_mode
    # cacheable by a shared cache for visitors without a login
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_a_community_page_lists_its_committees_contacts_and_compounds(demo) -> None:
    community = Community.objects.get(name="团结湖中路社区")
    html = _get(reverse("public-community", args=[community.pk]))
    assert "团结湖中路社区居委会" in html and "010-6500 0302" in html
    assert "每日 8:30–17:30" in html
    assert "团结公寓" in html and "中路北六条" in html
    assert "轻工宿舍" not in html  # another community's


def test_a_compound_page_shows_the_directory_committee_and_alliance(demo) -> None:
    tuanjie = demo.tuanjie
    html = _get(reverse("public-compound", args=[tuanjie.pk]))
    directory = html.split('id="public-directory"')[1].split("</section>")[0]
    for org, phone in (
        ("团结湖中路社区党委", "010-6500 0301"),
        ("团结湖中路社区居委会", "010-6500 0302"),
        ("京朝物业服务有限公司（示例）", "010-6500 1001"),
        ("团结湖街道办事处城市管理科", "010-6500 0101"),
    ):
        assert org in directory and phone in directory, org
    assert "团结公寓业主委员会" in directory and "每周六 9:00–11:00" in directory
    assert "报修24小时" in directory  # the firm's service hours
    alliance = html.split('id="public-alliance"')[1].split("</p>")[0]
    assert reverse("service-alliance") in alliance
    assert reverse("evaluation-history", args=[tuanjie.property_provider_id]) in alliance
    committee = html.split('id="public-committee"')[1].split("</section>")[0]
    assert "2023" in committee and "2028" in committee  # the 4th committee's term
    assert "陈主任" not in committee  # its members are counted, not named
    assert reverse("public-figures", args=[tuanjie.pk]) in html
    assert reverse("ledger-public", args=[tuanjie.pk]) in html


def test_published_minutes_and_vote_results_appear_on_the_compound_page(demo) -> None:
    session = minuted_session(demo)
    vote = tallied(demo)
    publish_results(actor=demo.user("yeweihui"), vote=vote)
    html = _get(reverse("public-compound", args=[demo.tuanjie.pk]))
    minutes = html.split('id="public-minutes"')[1].split("</section>")[0]
    assert f'id="public-session-{session.pk}"' in minutes
    results = html.split('id="public-results"')[1].split("</section>")[0]
    assert f'id="public-vote-{vote.pk}"' in results
    assert "选聘湖畔物业为新的物业服务企业" in results
    assert 'data-outcome="passed"' in results or 'data-outcome="void_no_quorum"' in results
    board = html.split('id="public-board"')[1].split("</section>")[0]
    assert vote.title in board  # the results notice


def test_the_guide_is_public_and_links_the_report_form_and_login(demo) -> None:
    html = _get(reverse("public-guide"))
    assert reverse("issue-report") in html and reverse("login") in html


def test_logged_in_readers_get_the_same_pages_but_not_shared_caches(demo) -> None:
    compound_id = demo.tuanjie.pk
    response = login_client(demo.user("jumin")).get(reverse("public-compound", args=[compound_id]))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_missing_places_are_404_and_posts_are_refused(demo) -> None:
    assert Client().get(reverse("public-compound", args=[999999])).status_code == 404
    assert Client().get(reverse("public-community", args=[999999])).status_code == 404
    assert Client().post(reverse("public-guide")).status_code == 405


def test_organizations_without_contacts_read_as_such(demo) -> None:
    Organization.objects.filter(name="京朝物业服务有限公司（示例）").update(
        public_phone="", public_address="", service_hours=""
    )
    html = _get(reverse("public-compound", args=[demo.tuanjie.pk]))
    assert "京朝物业服务有限公司（示例）" in html


def test_the_compound_page_of_its_residents_links_its_public_page(demo) -> None:
    compound_id = demo.tuanjie.pk
    html = _get(reverse("compound-detail", args=[compound_id]), login_client(demo.user("jumin")))
    assert f'href="{reverse("public-compound", args=[compound_id])}"' in html


def test_the_login_page_leads_strangers_to_the_public_pages(demo) -> None:
    html = _get(reverse("login"))
    links = html.split('id="login-public-links"')[1].split("</p>")[0]
    assert reverse("public-subdistrict") in links and reverse("public-guide") in links
