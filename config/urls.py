from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from core.views import language_set, send_test_email
from programmes.views import core as programme_views

from . import (
    accounts,  # password views that tell the person
    sso,
)
from .health import healthz

# Says that the administrators were told only when someone was (ADMINS or Sentry); never fails itself.
handler500 = "config.errors.server_error"

admin.site.site_header = _("Tandem administration")
admin.site.site_title = _("Tandem administration")
admin.site.index_title = _("Installation")

urlpatterns = [
    path("", programme_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Languages: the switcher (saves a logged-in person's choice too) and the strings of static/js
    path("language/", language_set, name="language_set"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", sso.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): 404 unless TANDEM_OIDC_ISSUER is set
    path("accounts/sso/login/", sso.SsoStartView.as_view(), name="oidc_authentication_init"),
    path("accounts/sso/callback/", sso.SsoCallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/sso/logged-out/", sso.sso_logged_out, name="sso_logged_out"),
    # Login protection: the password views email the person about the change
    path("accounts/password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),  # emails the person
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("programmes/", include("programmes.urls")),
    path("mentoring/", include("mentoring.urls")),
    path("reports/", include("evaluation.urls")),
    # SCIM 2.0 provisioning for identity providers: bearer tokens only, never the session (programmes/scim).
    path("scim/v2/", include("programmes.scim.urls")),
    # Before admin.site.urls, whose catch-all would otherwise answer this path.
    path("admin/send-test-email/", send_test_email, name="send_test_email"),
    path("admin/", admin.site.urls),
]
