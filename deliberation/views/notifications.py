"""A person's notifications: the bell in the header, the list, opening one, preferences.

Everything here is the person's own: the list and the bell only ever read
``recipient=request.user``. Opening a notification marks it read and asks the policy
again whether its thing may still be seen (a right may have ended since it was sent)
before following its link. Marking read and the preferences are the person's own
bookkeeping, not steps on a thing of the domain, so they are plain form posts here
(``tests/project/test_post_shape.py`` lists them).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from deliberation import policy
from deliberation.actions import action_of, kind_of
from deliberation.actions.notification_text import notification_text
from deliberation.actions.running import may
from deliberation.lists import paged
from deliberation.lists.notifications import NotificationFilters
from deliberation.models import Channel, Notification, NotificationKind
from deliberation.outbound import wechat
from deliberation.services import notifications as svc

PAGE_SIZE = 20
#: The rule a thing's page answers to, asked again when a notification about it is opened.
#: Other kinds of the action model lead to their page, which asks its own rule.
VIEW_RULES = {
    "issue": "issue.view",
    "work_order": "work_order.view",
    "vote": "vote.view",
}


@login_required
@require_safe
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count (fetched after the page, and again live)."""
    return render(
        request,
        "notifications/_bell.html",
        {"unread": svc.unread_count(request.user), "fetched": True},
    )


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user)  # type: ignore[misc]
    listing = paged(
        request, mine.order_by("-created_at", "-pk"), NotificationFilters, per_page=PAGE_SIZE
    )
    rows = [(n, notification_text(n)) for n in listing.rows]
    return render(
        request,
        "notifications/list.html",
        {"list": listing, "rows": rows, "list_id": "notifications"},
        status=listing.status,
    )


def _may_open(request: HttpRequest, n: Notification) -> bool:
    """A task: may the person still take that step (whatever its state now)? Anything
    else: may they still see the thing?"""
    kind = kind_of(n.target_kind) if n.target_kind else None
    if kind is None or n.target_pk is None:
        return bool(n.url) and not n.target_kind
    task_kind, _dot, name = str(n.params.get("action", "")).partition(".")
    action = action_of(task_kind, name) if n.kind == NotificationKind.TASK else None
    if action is not None:
        obj = kind.load(n.target_pk)
        return obj is not None and may(request.user, obj, action)
    rule = VIEW_RULES.get(n.target_kind)
    if rule is None:
        return True  # its page asks its own rule
    obj = kind.load(n.target_pk)
    return obj is not None and policy.can(request.user, rule, obj)


@login_required
@require_safe
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and follow the link, if the thing may still be seen."""
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
    safe = url_has_allowed_host_and_scheme(n.url, allowed_hosts=None)
    if not n.url or not safe or not _may_open(request, n):
        return render(request, "notifications/gone.html", status=403)
    return HttpResponseRedirect(n.url)


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one (``id``) or all of the person's notifications read."""
    mine = Notification.objects.filter(recipient=request.user, read_at__isnull=True)  # type: ignore[misc]
    one = request.POST.get("id", "")
    if one:
        if not one.isdigit():
            messages.error(request, _("That notification does not exist."))
            return HttpResponseRedirect(reverse("notification-list"), status=303)
        mine = mine.filter(pk=int(one))
    count = mine.update(read_at=timezone.now())
    if not one:
        messages.success(
            request, _("All notifications marked read (%(count)s).") % {"count": count}
        )
    return HttpResponseRedirect(reverse("notification-list"), status=303)


class PreferencesForm(forms.Form):
    quiet_from = forms.TimeField(label=gettext_lazy("Quiet hours from"), required=False)
    quiet_until = forms.TimeField(label=gettext_lazy("until"), required=False)

    def __init__(
        self, *args: object, prefs: svc.Preferences, channels: list[Channel], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.channels = channels
        for kind in NotificationKind:
            for channel in channels:
                self.fields[f"{kind.value}__{channel.value}"] = forms.BooleanField(
                    label=f"{kind.label}: {channel.label}",
                    required=False,
                    initial=prefs.enabled(kind.value, channel.value),
                )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("quiet_from")) != bool(data.get("quiet_until")):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return data

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(kind.label), [self[f"{kind.value}__{c.value}"] for c in self.channels])
            for kind in NotificationKind
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (k.value, c.value): bool(self.cleaned_data[f"{k.value}__{c.value}"])
            for k in NotificationKind
            for c in self.channels
        }


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The kind × channel grid (WeChat once bound), quiet hours, and the WeChat binding."""
    offered = svc.offered_channels(request.user)  # type: ignore[arg-type]
    prefs = svc.preferences_of(request.user)  # type: ignore[arg-type]
    current = svc.settings_of(request.user)  # type: ignore[arg-type]
    initial = {"quiet_from": current.quiet_from, "quiet_until": current.quiet_until}
    if request.method == "POST":
        form = PreferencesForm(request.POST, prefs=prefs, channels=offered, initial=initial)
        if form.is_valid():
            svc.save_preferences(
                user=request.user,  # type: ignore[arg-type]
                choices=form.choices(),
                quiet_from=form.cleaned_data["quiet_from"],
                quiet_until=form.cleaned_data["quiet_until"],
            )
            messages.success(request, _("Your notification settings are saved."))
            return HttpResponseRedirect(reverse("notification-preferences"), status=303)
        status = 400
    elif request.method in ("GET", "HEAD"):
        form, status = PreferencesForm(prefs=prefs, channels=offered, initial=initial), 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    channels = [str(c.label) for c in offered]
    user = request.user
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "channels": channels,
            "wechat": {
                "configured": wechat.configured(),
                "bound": bool(user.wechat_openid),  # type: ignore[union-attr]
                "refused": user.wechat_refused_at is not None,  # type: ignore[union-attr]
            },
        },
        status=status,
    )
