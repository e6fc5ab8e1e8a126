"""Pages of the community evaluation (社区评价红黑榜): the cycles and the opening form, a
cycle's working page, the residents' survey (a phone page), the parties' scoring page and
the public list. Every step goes through the one action endpoint, except opening a cycle,
which has no thing yet to act on."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from deliberation import actions, policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.evaluation_forms import OpenCycleForm
from deliberation.live.topics import topic
from deliberation.models import EvaluationCycle, Subdistrict, User
from deliberation.selectors import evaluations as selectors
from deliberation.selectors.evaluation_results import results_table
from deliberation.services.evaluations import cycles
from deliberation.table_export import FORMATS, Table, export_response

from .live import live_context


def _cycle(pk: int) -> EvaluationCycle:
    cycle = EvaluationCycle.objects.select_related("subdistrict").filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def _subdistrict() -> Subdistrict:
    subdistrict = Subdistrict.objects.order_by("pk").first()
    if subdistrict is None:
        raise Http404
    return subdistrict


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cycle_list(request: HttpRequest) -> HttpResponse:
    """The cycles, and for the subdistrict office the form opening the next one."""
    policy.require(request.user, "evaluation.view")
    subdistrict = _subdistrict()
    may_open = policy.can(request.user, "evaluation.open", subdistrict)
    form = OpenCycleForm(request.POST or None) if may_open else None
    status = 200
    if request.method == "POST":
        policy.require(request.user, "evaluation.open", subdistrict)
        assert form is not None
        if form.is_valid():
            try:
                cycle = cycles.open_cycle(
                    by=cast(User, request.user), subdistrict=subdistrict, **form.cleaned_data
                )
            except InvalidInput as exc:
                for name, messages in exc.fields.items():
                    for message in messages:
                        form.add_error(None if name == "__all__" else name, message)
            except Conflict as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("evaluation-detail", pk=cycle.pk)
        status = 409 if form.non_field_errors() and not form.has_error("method") else 400
    context = {
        "cycles": list(EvaluationCycle.objects.filter(subdistrict=subdistrict)),
        "form": form,
    }
    return render(request, "evaluations/list.html", context, status=status)


@login_required
@require_safe
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Status, progress (answers per compound, scores received and missing), the method in
    force, the results once computed, appeals; the subdistrict's steps."""
    cycle = _cycle(pk)
    policy.require(request.user, "evaluation.view", cycle)
    scoring = cycle.status == cycle.Status.SCORING
    progress = selectors.progress(cycle) if scoring else []
    appeals = [] if scoring else selectors.appeals_of(cycle)
    pending = [a for a in appeals if a.status == a.Status.PENDING]
    rows = [] if scoring else results_table(cycle)
    context = {
        "cycle": cycle,
        "survey_answers": sum(row.answers for row in progress),
        "scores_received": sum(len(row.scored) for row in progress),
        "pending_appeals": len(pending),
        "progress": progress,
        "rows": rows,
        "appeals": appeals,
        "may_score": scoring and policy.can(request.user, "evaluation.score", cycle),
        "may_decide": policy.can(request.user, "evaluation.manage", cycle),
        "appealable": _appealable(request.user, cycle, pending, [row.result for row in rows]),
        **live_context([topic("evaluation", cycle.pk, "public")]),
    }
    return render(request, "evaluations/detail.html", context)


def _appealable(
    user: Any, cycle: EvaluationCycle, pending: list[Any], results: list[Any]
) -> list[Any]:
    """The person's organizations' overall results they may appeal now (no query: the
    rows are the results table's)."""
    if cycle.status != cycle.Status.PUBLISHED or not cycle.appeals_close_at:
        return []
    if timezone.now() > cycle.appeals_close_at:
        return []
    waiting = {a.result_id for a in pending}
    return [r for r in results if r.pk not in waiting and policy.can(user, "evaluation.appeal", r)]


@login_required
@require_safe
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The residents' survey on a phone: one question per criterion, reviewed before it is
    sent (the answer is anonymous; one per household)."""
    cycle = _cycle(pk)
    policy.require(request.user, "evaluation.answer_survey", cycle)
    action = actions.action_of("evaluation", "answer_survey")
    assert action is not None
    context: dict[str, Any] = {"cycle": cycle, "action": action, "form": None, "review": None}
    if not actions.is_available(request.user, cycle, action):
        context["answered"] = bool(action.when(cycle))
        return render(request, "evaluations/survey.html", context)
    sent = {k: v for k, v in request.GET.items() if k.startswith("survey-")}
    form = action.make_form(cycle, request.user, sent or None)
    context["form"] = form
    if sent and form.is_valid() and request.GET.get("review"):
        context["review"] = [
            {"label": field.label, "value": _shown(field)}
            for field in form
            if not field.is_hidden and field.value() not in (None, "")
        ]
        context["query"] = urlencode(sent)
    return render(request, "evaluations/survey.html", context)


def _shown(field: Any) -> str:
    """A chosen answer as the person read it ("good"), not its number."""
    choices = dict(getattr(field.field, "choices", []) or [])
    value = field.value()
    for key, label in choices.items():
        if str(key) == str(value):
            return str(label)
    return str(value)


@login_required
@require_safe
def score(request: HttpRequest, pk: int) -> HttpResponse:
    """A scoring party's page: what it scores in this cycle, what it entered, the form."""
    cycle = _cycle(pk)
    policy.require(request.user, "evaluation.score", cycle)
    targets = selectors.scoring_targets(cycle, request.user)
    unscored = any(t["score"] is None for t in targets)
    action = actions.action_of("evaluation", "score" if unscored else "rescore")
    assert action is not None
    context = {
        "cycle": cycle,
        "action": action,
        "targets": targets,
        "form": action.make_form(cycle, request.user) if action.when(cycle) else None,
    }
    return render(request, "evaluations/score.html", context)


@require_safe
def public_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The published community evaluation list (社区评价红黑榜), without login: scores,
    grades, lists and every correction with its reason. No personal data."""
    cycle = _cycle(pk)
    if not policy.can(request.user, "evaluation.view_public", cycle):
        raise Http404
    context = {
        "cycle": cycle,
        "rows": results_table(cycle),
        "corrections": selectors.corrections(cycle),
    }
    return render(request, "evaluations/public.html", context)


@require_safe
def public_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The published list as CSV or Excel: every organization and compound with its score,
    grade, list and, where an appeal was upheld, the score before the correction."""
    cycle = _cycle(pk)
    if fmt not in FORMATS or not policy.can(request.user, "evaluation.view_public", cycle):
        raise Http404
    table = Table(
        slug=f"evaluation-{cycle.year}-h{cycle.half}",
        title=_("Community evaluation list"),
        header=[
            _("Rank"),
            _("Organization"),
            _("Compound"),
            _("Households"),
            _("Score"),
            _("Grade"),
            _("List"),
            _("Score before the correction"),
        ],
    )
    for row in results_table(cycle):
        before = row.correction.before.get("score") if row.correction else None
        for result in (row.result, *row.compounds):
            table.rows.append(
                [
                    result.rank,
                    row.organization.name,
                    result.compound.name if result.compound else _("all compounds"),
                    result.households,
                    None if result.score is None else float(result.score),
                    result.grade,
                    result.get_listing_display() if result.listing else "",
                    before if result is row.result else None,
                ]
            )
    return export_response(table, fmt)
