from django.urls import include, path

from deliberation.views import (
    actions,
    committees,
    compounds,
    contracts,
    evaluation_pages,
    health,
    home,
    hotline,
    indicators,
    issues,
    register,
    supervision,
    votes,
    work_orders,
)
from deliberation.views import sessions as s

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("compounds/<int:pk>/", compounds.compound_detail, name="compound-detail"),
    path("issues/", issues.issue_list, name="issue-list"),
    path("issues/new/", issues.report, name="issue-report"),
    path("issues/enter/", issues.enter, name="issue-enter"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/photos/<int:photo_pk>/", issues.issue_photo, name="issue-photo"),
    path("inbox/", work_orders.inbox_page, name="inbox"),
    path(
        "supervision/escalations/",
        supervision.escalation_history_page,
        name="escalation-history",
    ),
    path("work-orders/<int:pk>/", work_orders.work_order_detail, name="work-order-detail"),
    path(
        "work-orders/<int:pk>/evidence/<int:evidence_pk>/",
        work_orders.work_order_evidence,
        name="work-order-evidence",
    ),
    path("compounds/<int:pk>/register/", register.register_page, name="owner-register"),
    path(
        "compounds/<int:pk>/register/import/",
        register.register_import,
        name="owner-register-import",
    ),
    path("compounds/<int:pk>/votes/", votes.compound_votes, name="compound-votes"),
    path("votes/<int:pk>/", votes.vote_detail, name="vote-detail"),
    path("votes/<int:pk>/audit/", votes.vote_audit, name="vote-audit"),
    path("hotline/import/", hotline.hotline_upload, name="hotline-upload"),
    path("hotline/import/<int:pk>/", hotline.hotline_preview, name="hotline-preview"),
    path(
        "hotline/template.<str:fmt>",
        hotline.hotline_template,
        name="hotline-template",
    ),
    path("compounds/<int:pk>/committee/", committees.committee_page, name="committee-page"),
    path("compounds/<int:pk>/contracts/", contracts.contract_register, name="compound-contracts"),
    path("sessions/", s.session_list, name="session-list"),
    path("sessions/<int:pk>/", s.session_room, name="session-room"),
    path("sessions/<int:pk>/public/", s.session_public, name="session-public"),
    path("sessions/<int:pk>/board/<str:audience>/", s.session_board, name="session-board"),
    path("sessions/<int:pk>/invitations/<str:party>/ics/", s.invitation_ics, name="session-ics"),
    path("sessions/<int:pk>/minutes/", s.minutes, name="session-minutes"),
    path("sessions/<int:pk>/minutes.txt", s.minutes_text, name="session-minutes-text"),
    path("open311/v2/", include("deliberation.urls_open311")),
    path("indicators/", indicators.indicators_page, name="indicators"),
    # The evaluation's evidence ledger and published results (docs/law.md §9).
    path(
        "evaluations/organizations/<int:pk>/evidence/",
        evaluation_pages.evidence_ledger,
        name="evidence-ledger",
    ),
    path(
        "evaluations/evidence/<int:pk>/attachment/",
        evaluation_pages.evidence_attachment,
        name="evidence-attachment",
    ),
    path(
        "public/evaluations/organizations/<int:pk>/",
        evaluation_pages.evaluation_history,
        name="evaluation-history",
    ),
    path(
        "public/evaluations/alliance/",
        evaluation_pages.service_alliance,
        name="service-alliance",
    ),
    # Every state-changing step: one shape (deliberation/actions/, views/actions.py).
    path("tasks/", actions.task_list_view, name="task-list"),
    path("<slug:kind>/<int:pk>/controls/", actions.controls_view, name="action-controls"),
    path("<slug:kind>/<int:pk>/actions/<slug:name>/", actions.action_view, name="action"),
]
