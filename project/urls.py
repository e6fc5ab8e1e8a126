from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("workflows.urls")),
    path("", include("deliberation.urls")),
]
# Uploaded files (issue photos, evidence) are never served from /media/: only through views
# that ask the policy module, so an unguessable path is not a way around it.
