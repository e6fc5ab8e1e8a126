"""Login lockouts behind the README's reverse proxy: every request reaches Daphne from the
proxy's address, so the client address must come from ``X-Forwarded-For`` — but only the
entry our own proxy appended — or a lockout locks the account for everyone.
"""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from deliberation.demo.tuanjiehu import DEMO_PASSWORD

PROXY = "127.0.0.1"  # nginx on the same machine, as in the README
SPRAYED = [
    "shuji",
    "shuji2",
    "juwei",
    "juwei2",
    "wuye",
    "fangguan",
    "chanquan",
    "yeweihui",
    "wuguanhui",
    "dudao",
]


def behind_proxy(forwarded_for: str) -> Client:
    """A browser at ``forwarded_for`` as nginx forwards it (``$proxy_add_x_forwarded_for``)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_a_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(demo, axes_on) -> None:
    axes_on.YISHI_TRUSTED_PROXY_COUNT = 1
    attacker = behind_proxy("203.0.113.66")
    statuses = [login(attacker, "jumin", f"wrong-{i}") for i in range(5)]
    assert statuses == [200] * 4 + [429], statuses
    assert login(attacker, "jumin", DEMO_PASSWORD) == 429  # locked at that address

    owner = behind_proxy("198.51.100.20")  # the resident at home, through the same proxy
    assert login(owner, "jumin", DEMO_PASSWORD) == 302


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(demo, axes_on) -> None:
    axes_on.YISHI_TRUSTED_PROXY_COUNT = 0  # Daphne faces the clients directly
    statuses = [
        login(Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), "jumin", "x")
        for i in range(5)
    ]
    assert statuses == [200] * 4 + [429], statuses  # a new header each time changes nothing


def test_only_the_entry_our_proxy_appended_is_believed(demo, axes_on) -> None:
    axes_on.YISHI_TRUSTED_PROXY_COUNT = 1
    # The client prepends a different forged address each time; nginx appends the real one.
    statuses = [login(behind_proxy(f"10.0.0.{i}, 203.0.113.66"), "jumin", "x") for i in range(5)]
    assert statuses == [200] * 4 + [429], statuses


def test_password_spraying_from_one_address_is_stopped(demo, axes_on) -> None:
    axes_on.YISHI_TRUSTED_PROXY_COUNT = 1
    sprayer = behind_proxy("203.0.113.99")
    statuses = [login(sprayer, username, f"guess-{i}") for username in SPRAYED for i in range(4)]
    assert 429 in statuses, statuses  # no single account reached five, the address did
    first = statuses.index(429)
    assert first == axes_on.YISHI_LOGIN_ADDRESS_FAILURE_LIMIT - 1, statuses
    assert set(statuses[first:]) == {429}, statuses
    locked = sprayer.post(reverse("login"), {"username": "jumin", "password": DEMO_PASSWORD})
    assert locked.status_code == 429  # even a right password, from that address
    assert "登录已锁定一小时" in locked.content.decode()  # the Chinese lockout page
    # The people behind other addresses are not affected.
    assert login(behind_proxy("198.51.100.20"), "shuji", DEMO_PASSWORD) == 302
