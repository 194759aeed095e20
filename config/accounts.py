"""Django's login and password views, plus a notice to the person whose password changed, and the rule that
password login may be for administrators only (TANDEM_PASSWORD_LOGIN=admins-only: everyone else uses single
sign-on)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.i18n import in_language_of
from programmes.models import AuditEvent, Person
from programmes.services.audit import audit_record
from programmes.services.credentials import person_notify_credentials_changed

from .sso import provider_name

RESET_SENT = "password.reset_sent"


def password_login_allowed(person: Person) -> bool:
    return settings.TANDEM_PASSWORD_LOGIN == "all" or person.is_staff


class LoginForm(auth_forms.AuthenticationForm):
    """Django's login form, with a clear answer for someone who has left: the right password of a closed account
    says the account is closed (and never logs in), instead of "enter a correct email and password"."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "inactive": gettext_lazy(
            "This account is closed because you have left the organisation. If you are back, ask an administrator "
            "to reactivate it."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The login page names its own field, rather than borrowing the account model's field name.
        self.fields["username"].label = gettext_lazy("Email address")

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) != "invalid_login":
                raise
            person = Person.objects.filter(email__iexact=self.cleaned_data.get("username") or "").first()
            password = self.cleaned_data.get("password") or ""
            if person is not None and not person.is_active and password and person.check_password(password):
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise ValidationError(
                _("Here, passwords are for administrators only: please use the button “%(button)s” above.")
                % {"button": _("Log in with %(provider)s") % {"provider": provider_name()}},
                code="password_login_off",
            )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = bool(settings.TANDEM_OIDC_ISSUER)
        context["sso_provider_name"] = provider_name()
        context["password_admins_only"] = settings.TANDEM_PASSWORD_LOGIN == "admins-only"
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        person_notify_credentials_changed(person=form.user, what="password")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        person_notify_credentials_changed(person=form.user, what="password")
        return response


# Password reset limit
# At most TANDEM_PASSWORD_RESET_LIMIT reset emails per account per hour, counted in the audit log (one row per
# email sent), so that the count holds across workers and restarts. Beyond it the page looks exactly the same
# (it never tells whether an address has an account) and nothing is sent.


class PasswordResetForm(auth_forms.PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # In the language of the person whose password it is, not of whoever typed their address.
        with in_language_of(context["user"]):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)

    def save(self, *args, request=None, **kwargs):
        self._request = request
        with transaction.atomic():  # the person rows stay locked while counting, so 25 at once still send 3
            return super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        since = timezone.now() - datetime.timedelta(hours=1)
        for person in super().get_users(email):
            if not password_login_allowed(person):
                continue  # they log in with single sign-on; a password would not let them in
            Person.objects.select_for_update().filter(pk=person.pk).first()
            sent = AuditEvent.objects.filter(action=RESET_SENT, subject=person, at__gte=since).count()
            if sent >= settings.TANDEM_PASSWORD_RESET_LIMIT:
                continue
            audit_record(
                actor=None,
                action=RESET_SENT,
                obj=person,
                subject=person,
                summary="Password reset email sent.",
                request=getattr(self, "_request", None),
            )
            yield person


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm

    def get_context_data(self, **kwargs):
        # With passwords for administrators only, nobody else gets a reset email (get_users above): the page says
        # so before they wait for one, without telling whether an address has an account.
        context = super().get_context_data(**kwargs)
        context["password_admins_only"] = settings.TANDEM_PASSWORD_LOGIN == "admins-only"
        context["sso_provider_name"] = provider_name()
        return context
