"""A resident's own account: registering with a phone number (a code by SMS), asking to
link a home (the residents' committee decides: ``actions.accounts``), resetting a forgotten
password by phone or e-mail. No login needed except for "my homes".

Every answer is the same for known and unknown numbers and addresses (no account
enumeration); codes and sign-ups have budgets per number and per client address (429).
We wrote this rather than adopt django-allauth: the flow is three small forms, the codes go
through our own ``outbound`` SMS interface and rate limits, and allauth would bring a
second login stack (middleware, templates, its own phone model) next to axes' lockout.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from deliberation import rate_limits
from deliberation.account_forms import LinkRequestForm, PhoneForm, ResetForm, VerifyForm
from deliberation.errors import Conflict, InvalidInput
from deliberation.models import LinkRequest, Residency, Unit, User
from deliberation.services import accounts as services
from deliberation.services import phone_codes as codes
from deliberation.views.open311_guards import client_address

from .live import live_context

SESSION_KEY = "yishi_account_phone"
REGISTER, RESET = "register", "reset"


def _too_many(
    request: HttpRequest, template: str, context: dict[str, Any], retry: int
) -> HttpResponse:
    context["error"] = _("Too many requests: try again in %(seconds)s seconds.") % {
        "seconds": retry
    }
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry)
    return response


def _unit_label(unit: Unit) -> str:
    return f"{unit.building.compound.name} {unit.building.name} {unit.number}"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number. A letter's QR code adds ``?invite=`` (its unit)."""
    token = request.POST.get("invite") or request.GET.get("invite") or ""
    unit = services.invited_unit(token) if token else None
    context: dict[str, Any] = {"invite": token if unit else "", "unit": unit}
    if token and unit is None:
        context["error"] = _(
            "The invitation in this link is not valid any more; you can still register "
            "and name your home afterwards."
        )
    if request.method != "POST":
        context["form"] = PhoneForm()
        return render(request, "accounts/register.html", context)
    form = PhoneForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "accounts/register.html", context, status=400)
    phone = form.cleaned_data["phone"]
    try:
        codes.spend_budget(REGISTER, phone, client_address(request))
    except codes.TooManyRequests as exc:
        return _too_many(request, "accounts/register.html", context, exc.retry_after)
    if services.phone_taken(phone):
        login_url = request.build_absolute_uri(reverse("login"))
        codes.send_sms(
            phone,
            _(
                "Yishi: someone asked to register this number, which already has an account. "
                "Log in at %(url)s or reset your password there."
            )
            % {"url": login_url},
            key=f"register-known:{phone}",
        )
    else:
        codes.send_code(
            REGISTER, phone, _("Yishi: your registration code is %(code)s (10 minutes).")
        )
    request.session[SESSION_KEY] = {"phone": phone, "invite": context["invite"]}
    return redirect("account-register-verify")


@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code, a name and a password; then logged in (and, from a letter, the
    home asked for)."""
    pending = request.session.get(SESSION_KEY) or {}
    if not pending.get("phone"):
        return redirect("account-register")
    unit = services.invited_unit(pending.get("invite", "")) if pending.get("invite") else None
    form = VerifyForm(request.POST or None, invited=unit is not None)
    context = {"form": form, "phone": pending["phone"], "unit": unit}
    if request.method != "POST":
        return render(request, "accounts/verify.html", context)
    if not form.is_valid():
        return render(request, "accounts/verify.html", context, status=400)
    if not codes.check_code(REGISTER, pending["phone"], form.cleaned_data["code"]):
        form.add_error("code", _("The code is wrong or has expired: ask for a new one."))
        return render(request, "accounts/verify.html", context, status=400)
    budget = rate_limits.spend("signup-client", client_address(request), _budget("signup-client"))
    if budget is not None:
        return _too_many(request, "accounts/verify.html", context, budget)
    try:
        user = services.register_resident(
            phone=pending["phone"],
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
        )
    except InvalidInput as exc:
        for name, errors in exc.fields.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
        return render(request, "accounts/verify.html", context, status=400)
    except Conflict as exc:
        form.add_error(None, str(exc))
        return render(request, "accounts/verify.html", context, status=409)
    del request.session[SESSION_KEY]
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Welcome, %(name)s: your account is ready.") % {"name": user.display_name}
    )
    if unit is not None:
        services.request_link(user=user, unit=unit, relation=form.cleaned_data["relation"])
        messages.success(
            request,
            _("You asked to be linked to %(unit)s; the residents' committee will answer.")
            % {"unit": _unit_label(unit)},
        )
    return redirect("account-homes")


def _budget(name: str) -> tuple[int, int]:
    from django.conf import settings

    budget: tuple[int, int] = settings.YISHI_ACCOUNT_RATE_LIMITS[name]
    return budget


@login_required
@require_http_methods(["GET", "POST"])
def homes(request: HttpRequest) -> HttpResponse:
    """The person's homes and link requests; asking for another home."""
    user: User = request.user  # type: ignore[assignment]
    form = LinkRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = services.find_unit(data["compound"], data["building"], data["number"])
                services.request_link(user=user, unit=unit, relation=data["relation"])
            except InvalidInput as exc:
                for name, errors in exc.fields.items():
                    for e in errors:
                        form.add_error(name if name in form.fields else None, e)
                status = 400
            except Conflict as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(
                    request,
                    _("You asked to be linked to %(unit)s; the residents' committee will answer.")
                    % {"unit": _unit_label(unit)},
                )
                return redirect("account-homes")
        else:
            status = 400
    residencies = Residency.objects.filter(user=user).select_related("unit__building__compound")
    requests = (
        LinkRequest.objects.filter(user=user)
        .select_related("unit__building__compound__community", "user")
        .order_by("-created")[:20]
    )
    context = {
        "form": form,
        "residencies": residencies,
        "requests": requests,
        **live_context([f"user:{user.pk}:home"]),
    }
    return render(request, "accounts/homes.html", context, status=status)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """A forgotten password: a code by SMS to the number, or Django's reset link by
    e-mail to the address. The same answer whether or not an account has it."""
    context: dict[str, Any] = {"value": ""}
    if request.method != "POST":
        return render(request, "accounts/reset.html", context)
    value = (request.POST.get("phone_or_email") or "").strip()[:254]
    context["value"] = value
    if "@" in value:
        email_form = PasswordResetForm({"email": value})
        if not email_form.is_valid():
            context["error"] = _("Enter a mobile number or an e-mail address.")
            return render(request, "accounts/reset.html", context, status=400)
        retry = rate_limits.spend(
            "code-client:reset", client_address(request), _budget("code-client")
        )
        if retry is not None:
            return _too_many(request, "accounts/reset.html", context, retry)
        email_form.save(
            request=request,
            use_https=request.is_secure(),
            email_template_name="accounts/reset_email.txt",
            subject_template_name="accounts/reset_subject.txt",
        )
        context["sent_email"] = True
        return render(request, "accounts/reset.html", context)
    try:
        phone = codes.normalize_phone(value)
    except InvalidInput:
        context["error"] = _("Enter a mobile number or an e-mail address.")
        return render(request, "accounts/reset.html", context, status=400)
    try:
        codes.spend_budget(RESET, phone, client_address(request))
    except codes.TooManyRequests as exc:
        return _too_many(request, "accounts/reset.html", context, exc.retry_after)
    if User.objects.filter(phone=phone, is_active=True).exists():
        codes.send_code(
            RESET, phone, _("Yishi: your code to set a new password is %(code)s (10 minutes).")
        )
    request.session[SESSION_KEY] = {"phone": phone, "purpose": RESET}
    return redirect("account-reset-verify")


@require_http_methods(["GET", "POST"])
def password_reset_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("purpose") != RESET:
        return redirect("account-reset")
    form = ResetForm(request.POST or None)
    context = {"form": form, "phone": pending["phone"]}
    if request.method != "POST":
        return render(request, "accounts/reset_verify.html", context)
    if not form.is_valid():
        return render(request, "accounts/reset_verify.html", context, status=400)
    if not codes.check_code(RESET, pending["phone"], form.cleaned_data["code"]):
        form.add_error("code", _("The code is wrong or has expired: ask for a new one."))
        return render(request, "accounts/reset_verify.html", context, status=400)
    try:
        user = services.set_password_by_phone(
            phone=pending["phone"], password=form.cleaned_data["password1"]
        )
    except InvalidInput as exc:
        for e in exc.fields.get("password1", [str(exc)]):
            form.add_error("password1", e)
        return render(request, "accounts/reset_verify.html", context, status=400)
    del request.session[SESSION_KEY]
    if user is None:  # unreachable with a right code; said plainly all the same
        form.add_error("code", _("The code is wrong or has expired: ask for a new one."))
        return render(request, "accounts/reset_verify.html", context, status=400)
    messages.success(request, _("Your password was changed: log in with it."))
    return redirect("login")
