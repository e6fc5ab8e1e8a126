from django.urls import path

from deliberation.views import compounds, health, home, issues, work_orders

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("compounds/<int:pk>/", compounds.compound_detail, name="compound-detail"),
    path(
        "compounds/<int:pk>/announcements/",
        compounds.announcement_create,
        name="announcement-create",
    ),
    path("issues/<int:pk>/", issues.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/photos/<int:photo_pk>/", issues.issue_photo, name="issue-photo"),
    path("work-orders/<int:pk>/", work_orders.work_order_detail, name="work-order-detail"),
    path(
        "work-orders/<int:pk>/evidence/<int:evidence_pk>/",
        work_orders.work_order_evidence,
        name="work-order-evidence",
    ),
]
