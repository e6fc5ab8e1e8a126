from django.urls import path

from deliberation.views import (
    committees,
    compounds,
    health,
    home,
    hotline,
    issues,
    register,
    votes,
    work_orders,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("compounds/<int:pk>/", compounds.compound_detail, name="compound-detail"),
    path(
        "compounds/<int:pk>/announcements/",
        compounds.announcement_create,
        name="announcement-create",
    ),
    path("issues/", issues.issue_list, name="issue-list"),
    path("issues/new/", issues.report, name="issue-report"),
    path("issues/enter/", issues.enter, name="issue-enter"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/triage/<str:action>/", issues.triage, name="issue-triage"),
    path("issues/<int:pk>/photos/<int:photo_pk>/", issues.issue_photo, name="issue-photo"),
    path("inbox/", work_orders.inbox_page, name="inbox"),
    path("work-orders/<int:pk>/", work_orders.work_order_detail, name="work-order-detail"),
    path(
        "work-orders/<int:pk>/extensions/<int:extension_pk>/",
        work_orders.decide_extension,
        name="work-order-extension",
    ),
    path(
        "work-orders/<int:pk>/escalations/<int:escalation_pk>/",
        work_orders.handle_escalation,
        name="work-order-escalation",
    ),
    path(
        "work-orders/<int:pk>/<str:action>/",
        work_orders.work_order_action,
        name="work-order-action",
    ),
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
    path("compounds/<int:pk>/votes/new/", votes.vote_create, name="vote-create"),
    path("votes/<int:pk>/", votes.vote_detail, name="vote-detail"),
    path("votes/<int:pk>/audit/", votes.vote_audit, name="vote-audit"),
    path("votes/<int:pk>/<slug:action>/", votes.vote_action, name="vote-action"),
    path("hotline/import/", hotline.hotline_upload, name="hotline-upload"),
    path("hotline/import/<int:pk>/", hotline.hotline_preview, name="hotline-preview"),
    path("hotline/import/<int:pk>/confirm/", hotline.hotline_confirm, name="hotline-confirm"),
    path("hotline/import/<int:pk>/step/", hotline.hotline_step, name="hotline-step"),
    path("hotline/import/<int:pk>/cancel/", hotline.hotline_cancel, name="hotline-cancel"),
    path(
        "hotline/template.<str:fmt>",
        hotline.hotline_template,
        name="hotline-template",
    ),
    path("compounds/<int:pk>/committee/", committees.committee_page, name="committee-page"),
    path(
        "compounds/<int:pk>/committee/<slug:action>/",
        committees.committee_action,
        name="committee-action",
    ),
]
