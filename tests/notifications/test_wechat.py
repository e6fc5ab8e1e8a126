"""WeChat as a person meets it: they bind their own WeChat through WeChat's authorization
(a state of someone else's, altered, expired or used binds nothing), their notifications go
out as template messages to their openid, and a WeChat that refuses them is not retried.
WeChat itself is the fake client and the recording sender (nothing reaches WeChat here)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from deliberation.models import Delivery, NotificationKind, NotificationPreference
from deliberation.outbound import DeliveryFailed, OutboundMessage, RecipientGone, recording
from deliberation.outbound import wechat as wechat_outbound
from deliberation.services import notifications as svc
from deliberation.services import wechat
from tests.support.clients import login_client

SITE = "https://yishi.example.org"


@pytest.fixture
def wechat_on(settings: Any) -> None:
    settings.YISHI_SITE_URL = SITE
    settings.YISHI_WECHAT = {
        "appid": "wx0123456789abcdef",
        "secret": "test-secret",
        "client": "deliberation.outbound.recording.FakeWeChatClient",
        "templates": {
            "issue_status": {
                "template_id": "TPL-ISSUE-STATUS",
                "fields": {
                    "thing1": "{title}",
                    "character_string2": "{body}",
                    "time3": "{time}",
                },
            },
            "vote": "TPL-VOTE",
        },
    }


def _start(client: Any) -> str:
    """GET the bind page; check it sends to WeChat's authorization; return the state."""
    answer = client.get(reverse("account-wechat-bind"))
    assert answer.status_code == 302
    where = urlsplit(answer["Location"])
    assert (where.netloc, where.path, where.fragment) == (
        "open.weixin.qq.com",
        "/connect/oauth2/authorize",
        "wechat_redirect",
    )
    query = {k: v[0] for k, v in parse_qs(where.query).items()}
    assert query["appid"] == "wx0123456789abcdef"
    assert query["scope"] == "snsapi_base" and query["response_type"] == "code"
    assert query["redirect_uri"] == SITE + reverse("account-wechat-callback")
    assert query["state"].isalnum() and len(query["state"]) <= 128
    return query["state"]


def _back(client: Any, state: str, code: str) -> Any:
    return client.get(reverse("account-wechat-callback"), {"state": state, "code": code})


def test_a_person_binds_their_wechat_and_the_settings_page_shows_it(
    demo: Any, wechat_on: None
) -> None:
    jumin = demo.user("jumin")
    client = login_client(jumin)
    page = client.get(reverse("notification-preferences")).content.decode()
    assert 'data-wechat="unbound"' in page and reverse("account-wechat-bind") in page
    assert "jumin__wechat" not in page and "issue_status__wechat" not in page  # not offered yet

    done = _back(client, _start(client), "code-for-oJUMIN")
    assert done.status_code == 303 and done["Location"] == reverse("notification-preferences")
    jumin.refresh_from_db()
    assert jumin.wechat_openid == "oJUMIN"
    page = client.get(reverse("notification-preferences")).content.decode()
    assert 'data-wechat="bound"' in page and reverse("account-wechat-unbind") in page
    assert 'name="issue_status__wechat"' in page  # now the WeChat column is offered
    assert "微信已绑定" in page or "WeChat is bound" in page

    assert client.post(reverse("account-wechat-unbind")).status_code == 303
    jumin.refresh_from_db()
    assert jumin.wechat_openid == ""
    page = client.get(reverse("notification-preferences")).content.decode()
    assert 'data-wechat="unbound"' in page


def test_an_altered_state_binds_nothing(demo: Any, wechat_on: None) -> None:
    jumin = demo.user("jumin")
    client = login_client(jumin)
    state = _start(client)
    altered = state[:-1] + ("0" if state[-1] != "0" else "1")
    for bad in (altered, "", "not-a-state", state + "00", state.upper(), "é" * 66, "a" * 9999):
        refused = _back(client, bad, "code-for-oJUMIN")
        assert refused.status_code == 400
        assert "不是从您的账号发起" in refused.content.decode()
    assert recording.codes_exchanged() == []  # WeChat was not even asked
    jumin.refresh_from_db()
    assert jumin.wechat_openid == ""


def test_another_persons_state_binds_nothing(demo: Any, wechat_on: None) -> None:
    """An attacker's state sent to a victim must not bind the attacker's WeChat to them."""
    attacker, victim = demo.user("jumin2"), demo.user("jumin")
    state = _start(login_client(attacker))
    refused = _back(login_client(victim), state, "code-for-oATTACKER")
    assert refused.status_code == 400
    victim.refresh_from_db()
    assert victim.wechat_openid == ""


def test_a_used_or_expired_state_binds_nothing(demo: Any, wechat_on: None) -> None:
    jumin = demo.user("jumin")
    client = login_client(jumin)
    state = _start(client)
    assert _back(client, state, "code-for-oJUMIN").status_code == 303
    client.post(reverse("account-wechat-unbind"))
    again = _back(client, state, "code-for-oJUMIN")
    assert again.status_code == 400 and "已经用过" in again.content.decode()
    old = wechat.bind_state(jumin, now=time.time() - wechat.STATE_SECONDS - 5)
    expired = _back(client, old, "code-for-oJUMIN")
    assert expired.status_code == 400 and "已过期" in expired.content.decode()
    jumin.refresh_from_db()
    assert jumin.wechat_openid == ""


def test_a_code_wechat_refuses_or_an_openid_bound_elsewhere_binds_nothing(
    demo: Any, wechat_on: None
) -> None:
    jumin, jumin2 = demo.user("jumin"), demo.user("jumin2")
    client = login_client(jumin)
    refused = _back(client, _start(client), "forged-code")
    assert refused.status_code == 400 and "微信未能确认" in refused.content.decode()
    jumin2.wechat_openid = "oSHARED"
    jumin2.save(update_fields=["wechat_openid"])
    taken = _back(client, _start(client), "code-for-oSHARED")
    assert taken.status_code == 409 and "已绑定另一个账号" in taken.content.decode()
    jumin.refresh_from_db()
    assert jumin.wechat_openid == ""


def test_wechat_out_of_reach_binds_nothing_and_says_so(demo: Any, wechat_on: None) -> None:
    jumin = demo.user("jumin")
    client = login_client(jumin)
    down = _back(client, _start(client), "code-unreachable")
    assert down.status_code == 503 and "暂时无法连接微信" in down.content.decode()
    assert "请从通知设置页面重新开始" in down.content.decode()  # the link is spent
    jumin.refresh_from_db()
    assert jumin.wechat_openid == ""


def test_the_real_client_exchanges_the_code_for_the_openid(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.YISHI_WECHAT = {"appid": "wxA", "secret": "S", "templates": {}}
    with pytest.raises(ValueError):
        wechat_outbound._http("http://api.weixin.qq.com/plain")  # only ever https
    asked: list[str] = []
    answers = iter(
        [
            {"access_token": "AT", "expires_in": 7200, "openid": "oREAL", "scope": "snsapi_base"},
            {"errcode": 40029, "errmsg": "invalid code"},
            {"access_token": "AT"},
        ]
    )

    def fake_http(url: str, body: Any = None) -> dict[str, Any]:
        asked.append(url)
        return next(answers)

    monkeypatch.setattr(wechat_outbound, "_http", fake_http)
    client = wechat_outbound.HttpWeChatClient()
    assert client.openid_for_code("C1") == "oREAL"
    where = urlsplit(asked[0])
    assert (where.netloc, where.path) == ("api.weixin.qq.com", "/sns/oauth2/access_token")
    assert parse_qs(where.query) == {
        "appid": ["wxA"],
        "secret": ["S"],
        "code": ["C1"],
        "grant_type": ["authorization_code"],
    }
    with pytest.raises(wechat_outbound.WeChatError):
        client.openid_for_code("C2")
    with pytest.raises(wechat_outbound.WeChatUnavailable):
        client.openid_for_code("C3")  # an answer without an openid


def test_without_an_official_account_wechat_is_not_offered(demo: Any) -> None:
    client = login_client(demo.user("jumin"))
    page = client.get(reverse("notification-preferences")).content.decode()
    assert "data-wechat=" not in page and "__wechat" not in page
    assert client.get(reverse("account-wechat-bind")).status_code == 303


def test_anonymous_is_sent_to_login(client: Any) -> None:
    for name in ("account-wechat-bind", "account-wechat-callback"):
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("account-wechat-unbind")).status_code == 302
    assert client.get(reverse("account-wechat-unbind")).status_code in (302, 405)


def test_saving_settings_while_unbound_keeps_the_wechat_choices(demo: Any, wechat_on: None) -> None:
    jumin = demo.user("jumin")
    svc.save_preferences(
        user=jumin,
        choices={("vote", "wechat"): True},
        quiet_from=None,
        quiet_until=None,
    )
    client = login_client(jumin)
    form = client.get(reverse("notification-preferences")).context["form"]
    data = {name: "on" for name, f in form.fields.items() if f.initial is True}
    assert client.post(reverse("notification-preferences"), data).status_code == 303
    assert NotificationPreference.objects.filter(user=jumin, channel="wechat").count() == 1


# --- template messages -------------------------------------------------------------------


def _bound(demo: Any, openid: str = "oJUMIN") -> Any:
    jumin = demo.user("jumin")
    jumin.wechat_openid = openid
    jumin.save(update_fields=["wechat_openid"])
    svc.save_preferences(
        user=jumin,
        choices={("issue_status", "wechat"): True, ("issue_status", "sms"): False},
        quiet_from=None,
        quiet_until=None,
    )
    return jumin


def _tell(user: Any, capture: Any) -> Any:
    with capture(execute=True):
        (n,) = svc.notify(
            recipients=[user],
            kind=NotificationKind.ISSUE_STATUS,
            msgid=gettext_noop("Your report #%(id)s is now: %(issue_status)s."),
            params={"id": 7, "issue_status": "resolved"},
            target=("issue", 7),
            url="/issues/7/",
        )
    return n


def test_a_bound_residents_notification_goes_out_as_a_template_message(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = _bound(demo)
    n = _tell(jumin, django_capture_on_commit_callbacks)
    (sent,) = recording.sent("wechat")
    link = SITE + reverse("notification-open", args=[n.pk])
    assert sent["to"] == "oJUMIN" and sent["template"] == "TPL-ISSUE-STATUS"
    assert sent["url"] == link
    data = sent["data"]
    assert set(data) == {"thing1", "character_string2", "time3"}
    with translation.override(settings.LANGUAGE_CODE):
        assert data["thing1"] == str(NotificationKind.ISSUE_STATUS.label)[:20]
    assert "#7" in data["character_string2"] and len(data["character_string2"]) <= 32
    assert "年" in data["time3"]
    payload = sent["payload"]
    assert payload["touser"] == "oJUMIN" and payload["template_id"] == "TPL-ISSUE-STATUS"
    assert payload["url"] == link and payload["client_msg_id"] == f"notification:{n.pk}:wechat"
    assert payload["data"]["thing1"] == {"value": data["thing1"]}
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.to, d.attempts) == (Delivery.Status.SENT, "oJUMIN", 1)
    assert not recording.sent("sms")  # the person turned SMS off for this kind


def test_an_unbound_residents_wechat_delivery_is_skipped_not_failed(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = _bound(demo, openid="")
    n = _tell(jumin, django_capture_on_commit_callbacks)
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.attempts) == (Delivery.Status.SKIPPED, 0)
    assert "not bound" in d.error
    assert recording.sent("wechat") == []
    assert d.pk not in svc.due_deliveries()


def test_a_binding_removed_before_sending_skips_the_pending_message(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = _bound(demo)
    svc.save_preferences(
        user=jumin,
        choices={("issue_status", "wechat"): True},
        quiet_from=None,
        quiet_until=None,
    )
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet sent
        (n,) = svc.notify(
            recipients=[jumin],
            kind=NotificationKind.ISSUE_STATUS,
            msgid=gettext_noop("Your report #%(id)s is now: %(issue_status)s."),
            params={"id": 7, "issue_status": "resolved"},
        )
    d = Delivery.objects.get(notification=n, channel="wechat")
    wechat.unbind(actor=jumin)
    assert svc.deliver(d.pk, "text") == Delivery.Status.SKIPPED
    assert recording.sent("wechat") == []


def test_wechat_refusing_the_openid_is_not_retried_and_flags_the_binding(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = _bound(demo)
    recording.wechat_error_next(43004)  # the person unfollowed the Official Account
    n = _tell(jumin, django_capture_on_commit_callbacks)
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.attempts) == (Delivery.Status.REFUSED, 1)
    assert "43004" in d.error
    jumin.refresh_from_db()
    assert jumin.wechat_refused_at is not None
    assert recording.sent("wechat") == []
    # Further news is not sent there until the person binds again; the page says so.
    later = _tell(jumin, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(notification=later, channel="wechat").status == "skipped"
    page = login_client(jumin).get(reverse("notification-preferences")).content.decode()
    assert "微信拒收了我们的上一条消息" in page


def test_a_message_wechat_will_never_take_is_refused_once_and_the_binding_kept(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    jumin = _bound(demo)
    recording.wechat_error_next(40037)  # invalid template_id: our set-up, not the person
    n = _tell(jumin, django_capture_on_commit_callbacks)
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.attempts) == (Delivery.Status.REFUSED, 1)
    assert "40037" in d.error
    jumin.refresh_from_db()
    assert jumin.wechat_refused_at is None  # the next message goes there again
    assert any("40037" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    later = _tell(jumin, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(notification=later, channel="wechat").status == "sent"


def test_other_wechat_errors_are_retried(
    demo: Any, wechat_on: None, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = _bound(demo)
    recording.wechat_error_next(45009)  # over the day's quota: may pass later
    n = _tell(jumin, django_capture_on_commit_callbacks)
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.attempts) == (Delivery.Status.SENT, 2)
    assert len(recording.sent("wechat")) == 1


# --- the layouts and the real adapter ----------------------------------------------------


def test_layouts_default_classic_and_cut_to_wechats_limits(settings: Any) -> None:
    settings.YISHI_WECHAT = {
        "templates": {"vote": "T1", "task": {"template_id": "T2", "fields": "classic"}}
    }
    values = {"title": "标题" * 20, "body": "正文", "time": "2026年12月02日 09:00"}
    default = wechat_outbound.template_for("vote")
    assert default is not None and default.template_id == "T1"
    filled = wechat_outbound.fill(default, values)
    assert set(filled) == {"thing1", "thing2", "time3"}
    assert len(filled["thing1"]) == 20 and filled["thing1"].endswith("…")
    classic = wechat_outbound.template_for("task")
    assert classic is not None and set(wechat_outbound.fill(classic, values)) == {
        "first",
        "keyword1",
        "keyword2",
        "remark",
    }
    assert wechat_outbound.template_for("minutes") is None


def test_the_real_sender_posts_the_payload_and_maps_wechats_answers(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.YISHI_WECHAT = {"appid": "wxA", "secret": "S", "templates": {}}
    cache.delete(wechat_outbound.TOKEN_CACHE_KEY)
    calls: list[tuple[str, Any]] = []
    answers = iter(
        [
            {"access_token": "TOKEN", "expires_in": 7200},
            {"errcode": 0, "errmsg": "ok", "msgid": 200228332},
            {"errcode": 43004, "errmsg": "require subscribe"},
            {"errcode": 42001, "errmsg": "access_token expired"},
        ]
    )

    def fake_http(url: str, body: Any = None) -> dict[str, Any]:
        calls.append((url, body))
        return next(answers)

    monkeypatch.setattr(wechat_outbound, "_http", fake_http)
    message = OutboundMessage(
        channel="wechat",
        to="oX",
        body="b",
        key="notification:1:wechat",
        template="T",
        data={"thing1": "新通知"},
        url=SITE + "/notifications/1/",
    )
    sender = wechat_outbound.WeChatTemplateSender()
    assert sender.send(message) == "200228332"
    assert calls[0][0].endswith("/cgi-bin/stable_token")
    url, body = calls[1]
    assert url.endswith("/cgi-bin/message/template/send?access_token=TOKEN")
    assert body == message.template_payload()
    with pytest.raises(RecipientGone):
        sender.send(message)
    with pytest.raises(DeliveryFailed):
        sender.send(message)
    assert cache.get(wechat_outbound.TOKEN_CACHE_KEY) is None  # fetched afresh next time
    cache.delete(wechat_outbound.TOKEN_CACHE_KEY)
