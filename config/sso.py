"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

mozilla-django-oidc does the protocol (the authorization code flow with PKCE and a nonce, the token exchange, the
signature check against the provider's published keys). Tandem adds what it needs around it:

- the provider's endpoints come from ``<issuer>/.well-known/openid-configuration``, read on first use and kept
  for an hour (``provider_metadata``), so a provider that is down never stops start-up or the password login;
- the ID token is checked for its audience (this client), issuer and expiry too (the library skips the audience);
- the person is matched by ``programmes.services.sso.person_for_sso`` (subject, employee id, email), then the
  login lockout of django-axes is asked about that account, exactly as for a password;
- every way it can fail ends on a page that says what happened and what to do (``SsoCallbackView``), never a 500;
- logging out of Tandem offers the provider's logout (``end_session_endpoint``) on the next page.

All of it is off, and every URL here a 404, unless TANDEM_OIDC_ISSUER is set.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import LogoutView as DjangoLogoutView
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from programmes.services.sso import SsoIdentity, SsoRefused, help_contact, person_for_sso, sso_refusal_record

log = logging.getLogger(__name__)

METADATA_SECONDS = 60 * 60  # a provider rotates endpoints rarely; its keys are fetched at every login anyway
CLOCK_SKEW_SECONDS = 30  # between Tandem's clock and the provider's, when checking a token's times
PROVIDER_LOGOUT = "tandem_provider_logout_url"  # kept in the new, anonymous session after logging out
BACKEND_PATH = "config.sso.SsoBackend"

_metadata: dict[str, tuple[float, dict[str, Any]]] = {}


class SsoUnavailable(Exception):
    """The provider cannot be reached or did not answer as an OpenID provider."""


def sso_enabled() -> bool:
    return bool(settings.TANDEM_OIDC_ISSUER)


def provider_name() -> str:
    """The provider's name on the buttons ("Log in with …"): the organisation's, else Tandem's words for it."""
    return settings.TANDEM_OIDC_PROVIDER_NAME or _("single sign-on")


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document, fetched on first use and kept for an hour in this process."""
    issuer = settings.TANDEM_OIDC_ISSUER
    cached = _metadata.get(issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_SECONDS:
        return cached[1]
    try:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.TANDEM_OIDC_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SsoUnavailable(f"the provider's discovery document could not be read: {exc}") from exc
    missing = [key for key in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not data.get(key)]
    if missing or str(data.get("issuer", "")).rstrip("/") != issuer:
        raise SsoUnavailable(f"the discovery document names another issuer or lacks {', '.join(missing)}")
    _metadata[issuer] = (time.monotonic(), data)
    return data


def oidc_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's settings, from Tandem's (TANDEM_OIDC_*) and the discovered endpoints."""
    tandem = {
        "OIDC_RP_CLIENT_ID": settings.TANDEM_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.TANDEM_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.TANDEM_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": settings.TANDEM_OIDC_SIGN_ALGO,
        "OIDC_TIMEOUT": settings.TANDEM_OIDC_TIMEOUT_SECONDS,
        "OIDC_RP_IDP_SIGN_KEY": None,
    }
    if attr in tandem:
        return tandem[attr]
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
        "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
        "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    }
    if attr in endpoints:
        return provider_metadata().get(endpoints[attr])
    return import_from_settings(attr, *default)


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return str(value).strip() if value is not None else ""


def identity_from_claims(claims: dict[str, Any]) -> SsoIdentity:
    """The claims as Tandem's attributes, through the TANDEM_OIDC_CLAIM_* mapping."""
    verified = claims.get("email_verified", True)
    return SsoIdentity(
        subject=_claim(claims, "sub"),
        email=_claim(claims, settings.TANDEM_OIDC_CLAIM_EMAIL).lower(),
        name=_claim(claims, settings.TANDEM_OIDC_CLAIM_NAME),
        employee_id=_claim(claims, settings.TANDEM_OIDC_CLAIM_EMPLOYEE_ID),
        email_verified=verified not in (False, "false", "False"),
    )


def lockout_refusal(request: HttpRequest, person) -> SsoRefused | None:
    """django-axes' lockout, asked about the matched account from this address, as the password login asks."""
    if AxesProxyHandler.is_allowed(request, {"username": person.email}):
        return None
    until = timezone.localtime() + settings.AXES_COOLOFF_TIME
    return SsoRefused(
        "locked",
        _(
            "Logging in to this account from this address is paused after too many unsuccessful attempts, with "
            "single sign-on too. Please try again after %(time)s, or ask %(contact)s to lift the pause."
        )
        % {"time": f"{until:%H:%M}", "contact": help_contact()},
        person=person,
    )


class SsoBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, reading its settings lazily and matching people Tandem's way.

    It answers only the callback view's call (``tandem_sso=True``): a password login, or a stray ``code`` in a
    query string, never makes it talk to the provider.
    """

    login_way = "single sign-on"  # read by the login audit (programmes.services.logins)
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every setting here; Tandem reads them in authenticate(), so that instantiating the
        # backend (Django does it for every login and every request's get_user) never needs the provider.
        self.UserModel = auth.get_user_model()

    def authenticate(self, request, tandem_sso: bool = False, **kwargs: Any):
        if not tandem_sso or request is None or not sso_enabled():
            return None
        metadata = provider_metadata()
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.TANDEM_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.TANDEM_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.TANDEM_OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, nonce=kwargs.get("nonce"), code_verifier=kwargs.get("code_verifier"))

    def _verify_jws(self, payload, key):
        """The signature, and what the library leaves out: the audience is this client, the issuer is the one
        configured, the token has not expired. Any failure is a refusal with a message, never a 500."""
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
            if alg != self.OIDC_RP_SIGN_ALGO:
                raise jwt.InvalidAlgorithmError(f"signed with {alg}, expected {self.OIDC_RP_SIGN_ALGO}")
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.TANDEM_OIDC_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidAudienceError as exc:
            message = _("The sign-in answer was meant for another application, not Tandem.")
            raise SsoRefused("audience", message) from exc
        except jwt.ExpiredSignatureError as exc:
            raise SsoRefused("expired", _("The sign-in answer had already expired. Please log in again.")) from exc
        except jwt.PyJWTError as exc:
            log.warning("single sign-on: ID token refused: %s", exc)
            message = _("The sign-in answer from your identity provider could not be checked.")
            raise SsoRefused("token", message) from exc

    def verify_token(self, token, **kwargs):
        # Around the library's own steps too (fetching the matching key, the nonce): a token without a key id,
        # not a JWT at all, or with another nonce is a refusal, audited like the others, not a server error.
        try:
            return super().verify_token(token, **kwargs)
        except SsoRefused:
            raise
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, TypeError, ValueError) as exc:
            log.warning("single sign-on: token refused: %s", exc)
            message = _("The sign-in answer from your identity provider could not be checked.")
            raise SsoRefused("token", message) from exc

    def get_or_create_user(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = self.get_userinfo(access_token, id_token, payload)
            if str(userinfo.get("sub", payload.get("sub"))) != str(payload.get("sub")):
                raise SsoRefused("token", _("The identity provider described two different people in one answer."))
            claims.update(userinfo)
        person = person_for_sso(identity=identity_from_claims(claims))
        if refused := lockout_refusal(self.request, person):
            raise refused
        return person

    def get_user(self, user_id):
        # The library's get_user lets a deactivated person's session live on; Django's does not.
        return ModelBackend.get_user(self, user_id)


def refusal_page(request: HttpRequest, title: str, message: str, *, status: int, again: bool = True) -> HttpResponse:
    # str(): the page asks whether the message already names the contact, which a lazy string cannot answer.
    context = {
        "title": str(title),
        "message": str(message),
        "again": again and sso_enabled(),
        "contact": help_contact(),
    }
    return render(request, "registration/sso_refused.html", context, status=status)


class SsoStartView(OIDCAuthenticationRequestView):
    """The single sign-on button: off to the provider's login page (with state, nonce and PKCE in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library reads the endpoints here; Tandem in get(), lazily

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is off.")
        if request.user.is_authenticated:
            return redirect("home")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata()["authorization_endpoint"]
        except SsoUnavailable as exc:
            log.warning("single sign-on unavailable: %s", exc)
            return refusal_page(request, *UNAVAILABLE, status=503, again=False)
        self.OIDC_RP_CLIENT_ID = settings.TANDEM_OIDC_CLIENT_ID
        return super().get(request)


UNAVAILABLE = (
    gettext_lazy("Single sign-on is not available"),
    gettext_lazy("Tandem could not reach your identity provider just now. Please try again in a few minutes."),
)
BAD_STATE = (
    gettext_lazy("Please log in again"),
    gettext_lazy(
        "The answer from your identity provider does not belong to a login started in this browser (it may have "
        "been used already, come from another tab, or been changed on the way). Nothing happened; please log in "
        "again."
    ),
)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. Every outcome but success is a page with a message."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not sso_enabled():
            raise Http404("Single sign-on is off.")
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        if not isinstance(states, dict) or state not in states:
            return refusal_page(request, *BAD_STATE, status=400)
        entry = states.pop(state)
        request.session.modified = True
        if request.GET.get("error") or not request.GET.get("code"):
            return refusal_page(
                request,
                _("You were not logged in"),
                _(
                    "Your identity provider did not log you in to Tandem (you may have declined, or it refused). "
                    "You can try again."
                ),
                status=403,
            )
        request.session.save()
        # Read the session again after the slow token exchange below, as the library does: another tab may have
        # changed it meanwhile.
        request.session = request.session.__class__(request.session.session_key)
        return self._authenticate(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))

    def _authenticate(self, request, **kwargs: Any) -> HttpResponse:
        try:
            self.user = auth.authenticate(request=request, tandem_sso=True, **kwargs)
        except SsoRefused as refused:
            sso_refusal_record(refused=refused, request=request)
            status = 429 if refused.reason == "locked" else 403
            return refusal_page(request, _("You could not be logged in"), refused.message, status=status)
        except requests.HTTPError as exc:  # the provider answered, and refused the code (used, expired, changed)
            log.warning("single sign-on: token request refused: %s", exc)
            return refusal_page(
                request,
                _("Please log in again"),
                _(
                    "Your identity provider did not accept this login answer (it may have been used already, have "
                    "expired, or been changed on the way). Nothing happened; please log in again."
                ),
                status=400,
            )
        except (SsoUnavailable, requests.RequestException) as exc:
            log.warning("single sign-on: provider error: %s", exc)
            return refusal_page(request, *UNAVAILABLE, status=502)
        except SuspiciousOperation as exc:
            log.warning("single sign-on: answer refused: %s", exc)
            return refusal_page(
                request,
                _("You could not be logged in"),
                _(
                    "The answer from your identity provider could not be checked. Nothing happened; please log in "
                    "again."
                ),
                status=400,
            )
        if self.user is None:  # a lockout django-axes refused before anyone was matched, say
            return refusal_page(request, _("You could not be logged in"), _("Please log in again."), status=403)
        return self.login_success()


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's end-session address for this login, if it came through single sign-on and the provider
    has one; read before the Tandem session ends (it holds the ID token the provider wants as a hint)."""
    if not sso_enabled() or request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return None
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except SsoUnavailable:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.TANDEM_OIDC_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    if id_token := request.session.get("oidc_id_token"):
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


class LogoutView(DjangoLogoutView):
    """Django's logout; after a single sign-on login, the next page offers the provider's logout as well."""

    def post(self, request, *args, **kwargs):
        provider_logout = provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_logout is None:
            return response
        request.session[PROVIDER_LOGOUT] = provider_logout  # the new, anonymous session
        return redirect("sso_logged_out")


def sso_logged_out(request: HttpRequest) -> HttpResponse:
    """Logged out of Tandem; a link to log out of the provider too (shown once)."""
    url = request.session.pop(PROVIDER_LOGOUT, None)
    if not url:
        return redirect("login")
    context = {"provider_logout_url": url, "provider_name": provider_name()}
    return render(request, "registration/sso_logged_out.html", context)
