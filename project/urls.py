from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from deliberation.views.api import api_urls, not_found
from project.error_pages import permission_denied

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # a reset link sent by e-mail (deliberation.views.accounts.password_reset)
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/reset_confirm.html", success_url="/accounts/login/"
        ),
        name="password_reset_confirm",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # The JSON API (docs/api.md): before the pages, whose action URL would match its paths.
    path("api/v1/", api_urls()),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found),
    path("", include("workflows.urls")),
    path("", include("deliberation.urls")),
]
# Uploaded files (issue photos, evidence) are never served from /media/: only through views
# that ask the policy module, so an unguessable path is not a way around it.

# viewflow ships a Material 403.html (English, shows the policy action name): ours instead.
handler403 = permission_denied
