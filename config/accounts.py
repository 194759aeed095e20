"""Django's password views, plus a notice to the person whose password changed (issue 8)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from programmes.services.credentials import person_notify_credentials_changed


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
