"""The login page says what the service is and how to get or recover an account; the
lockout page says when the person may try again (before: only "locked for an hour")."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.demo.tuanjiehu import DEMO_PASSWORD


def test_the_login_page_says_what_yishi_is_and_how_to_get_an_account(demo) -> None:
    html = Client().get(reverse("login")).content.decode()
    assert "共同商议小区事务的平台" in html  # what the service is
    assert "还没有账号？" in html and "居委会" in html  # how to get one
    assert "忘记密码或账号被锁定？" in html and "重设密码" in html  # how to recover one
    english = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No account yet?" in english and "Forgot your password or locked out?" in english


def lock_out(client: Client, username: str) -> str:
    for i in range(5):
        response = client.post(reverse("login"), {"username": username, "password": f"x{i}"})
    assert response.status_code == 429
    return response.content.decode()


def test_the_lockout_page_says_when_to_try_again(demo, axes_on) -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    html = lock_out(client, "jumin")
    attempt = AccessAttempt.objects.get(username="jumin", ip_address="203.0.113.5")
    retry = timezone.localtime(attempt.attempt_time + timedelta(hours=1))
    at = f"{retry.year}年{retry.month}月{retry.day}日 {retry:%H:%M}"
    assert f"您可以在 <strong><time>{at}</time></strong> 之后再试" in html, html
    retry_line = html.split('class="retry-at">')[1].split("</p>")[0]
    assert "（约 59\xa0分钟后）" in retry_line, retry_line  # and how long that is
    # Still locked with the right password, and the page still says when.
    again = client.post(reverse("login"), {"username": "jumin", "password": DEMO_PASSWORD})
    assert again.status_code == 429 and at in again.content.decode()


def test_the_lockout_page_in_english(demo, axes_on) -> None:
    client = Client(REMOTE_ADDR="203.0.113.6", HTTP_ACCEPT_LANGUAGE="en")
    html = lock_out(client, "jumin")
    attempt = AccessAttempt.objects.get(username="jumin", ip_address="203.0.113.6")
    retry = timezone.localtime(attempt.attempt_time + timedelta(hours=1))
    assert "You can try again from" in html and f"{retry:%H:%M}" in html
