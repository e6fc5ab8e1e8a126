"""Binding one's WeChat to one's account (WeChat's web authorization), and unbinding it.

``bind`` sends the logged-in person to WeChat with a state signed for them; WeChat sends
them back to ``callback`` with a ``code``. Every step acts on ``request.user`` only: there
is no account in the URL to point elsewhere. Refusals (a state of someone else's, expired,
used; a code WeChat does not confirm) get a page saying so with a 400, and change nothing.
Unbinding is the person's own setting, a plain form post (``tests/project/test_post_shape``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from deliberation.errors import Conflict, InvalidInput
from deliberation.outbound import wechat
from deliberation.services import wechat as svc


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("notification-preferences"), status=303)


@login_required
@require_safe
def bind(request: HttpRequest) -> HttpResponse:
    """Off to WeChat's authorization page (open inside WeChat: it knows the person there)."""
    if not wechat.configured():
        messages.error(request, _("WeChat is not set up on this site."))
        return _back()
    return HttpResponseRedirect(svc.bind_url(request.user))  # type: ignore[arg-type]


@login_required
@require_safe
def callback(request: HttpRequest) -> HttpResponse:
    """WeChat sends the person back here with ``code`` and our ``state``."""
    try:
        svc.bind(
            actor=request.user,  # type: ignore[arg-type]
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
        )
    except (InvalidInput, Conflict) as refused:
        return render(
            request,
            "notifications/wechat_refused.html",
            {"message": str(refused)},
            status=refused.status,
        )
    except svc.WeChatDown:
        # The link is spent (our state and WeChat's code are single-use): start again.
        message = _("WeChat could not be reached.") + " " + svc.start_again()
        return render(
            request, "notifications/wechat_refused.html", {"message": message}, status=503
        )
    messages.success(
        request,
        _("Your WeChat is bound. Choose below which news you want to receive there."),
    )
    return _back()


@login_required
@require_POST
def unbind(request: HttpRequest) -> HttpResponse:
    if svc.unbind(actor=request.user):  # type: ignore[arg-type]
        messages.success(request, _("Your WeChat is unbound: no more messages go there."))
    else:
        messages.info(request, _("No WeChat was bound to your account."))
    return _back()
