"""A small but real OpenID provider for the single sign-on tests, run as a separate process.

Built on Authlib's OAuth 2.0 authorization server with its OpenID Connect code-flow extension (the authorization
code grant, client authentication, PKCE, nonces, RS256-signed ID tokens), served by the standard library's wsgiref
on a free localhost port. No Django: it runs beside Tandem's live server as the organisation's identity provider
would, with its own login page, consent page, token, userinfo, JWKS, discovery and end-session endpoints.

Tests-only (it lives under config/tests, which no runtime code imports). Start: ``python oidc_provider.py``; it prints
``READY <issuer>`` on its first line of output. Tests add clients and people through ``POST /_test/client`` and
``POST /_test/user`` (JSON), and ask for one misbehaving ID token with ``POST /_test/fault`` (``{"aud": "other"}``,
``{"exp": -600}``, ``{"nonce": "other"}`` or ``{"kid": "unknown"}``): the next token issued carries it, signed as
usual. That is how the bad cases get a token a
real provider could send (for another client, or expired) without mocking anything in Tandem.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import sys
import threading
import time
import traceback
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on localhost only

from authlib.oauth2 import AuthorizationServer  # noqa: E402
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Request, grants  # noqa: E402
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenGenerator  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oidc.core import UserInfo  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode  # noqa: E402
from authlib.oidc.core.models import AuthorizationCodeMixin  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402

LOCK = threading.Lock()
KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}, private=True)
CLIENTS: dict[str, Client] = {}
USERS: dict[str, dict] = {}  # username -> {password, sub, email, name, ...claims}
CODES: dict[str, Code] = {}
TOKENS: dict[str, dict] = {}  # access token -> {"user": ..., "scope": ...}
SESSIONS: dict[str, str] = {}  # provider login cookie -> username
FAULTS: list[dict] = []  # misbehaviour for the next ID token(s), one each
ISSUER = ""


class Client(ClientMixin):
    def __init__(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self.client_id, self.secret, self.redirect_uris = client_id, secret, redirect_uris

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


class Code(AuthorizationCodeMixin):
    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)
        self.created = time.time()

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return int(self.created)

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        payload = request.payload
        with LOCK:
            CODES[code] = Code(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=payload.redirect_uri,
                scope=request.client.get_allowed_scope(payload.scope),
                user=request.user,
                nonce=payload.data.get("nonce"),
                code_challenge=payload.data.get("code_challenge"),
                code_challenge_method=payload.data.get("code_challenge_method"),
            )

    def query_authorization_code(self, code, client):
        found = CODES.get(code)
        if found and found.client_id == client.client_id and time.time() - found.created < 120:
            return found
        return None

    def delete_authorization_code(self, authorization_code):
        with LOCK:
            CODES.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class IdToken(OpenIDCode):
    def exists_nonce(self, nonce, request):
        return any(c.nonce == nonce and c.client_id == request.payload.client_id for c in CODES.values())

    def resolve_client_private_key(self, client):
        return KEY

    def get_client_algorithm(self, client):
        return "RS256"

    # The token's header is built first, then its claims: the fault for this token is taken there.
    def get_encode_header(self, client):
        with LOCK:
            self.fault = FAULTS.pop(0) if FAULTS else {}
        return {"alg": "RS256", "kid": self.fault.get("kid", "test-key")}

    def get_authorization_code_claims(self, authorization_code):
        claims = super().get_authorization_code_claims(authorization_code)
        if "nonce" in self.fault:
            claims["nonce"] = self.fault["nonce"]
        return claims

    def get_client_claims(self, client):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": [client.get_client_id()], "iat": now, "exp": now + 300}
        fault = self.fault
        if "aud" in fault:
            claims["aud"] = [fault["aud"]]
        if "exp" in fault:
            claims["exp"] = now + int(fault["exp"])
            claims["iat"] = claims["exp"] - 300
        return claims

    def generate_user_info(self, user, scope):
        return user_info(user, scope)


def user_info(username: str, scope: str) -> UserInfo:
    person = USERS[username]
    info = UserInfo(sub=person["sub"])
    if "email" in scope.split():
        info["email"] = person["email"]
        info["email_verified"] = True
    if "profile" in scope.split():
        info["name"] = person.get("name", "")
    for claim, value in person.items():
        if claim not in {"password", "sub", "email", "name"}:
            info[claim] = value
    return info


class Request(OAuth2Request):
    def __init__(self, environ: dict, form: dict) -> None:
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        uri = f"{ISSUER}{environ.get('PATH_INFO', '')}"
        if environ.get("QUERY_STRING"):
            uri += "?" + environ["QUERY_STRING"]
        super().__init__(environ["REQUEST_METHOD"], uri, headers=headers)
        self.payload = BasicOAuth2Payload({**query, **form})
        self._query, self._form = query, form

    @property
    def args(self):
        return self._query

    @property
    def form(self):
        return self._form


class Server(AuthorizationServer):
    def query_client(self, client_id):
        return CLIENTS.get(client_id)

    def save_token(self, token, request):
        with LOCK:
            TOKENS[token["access_token"]] = {"user": request.user, "scope": token.get("scope", "")}

    def create_oauth2_request(self, request):
        return request

    def create_json_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        if isinstance(body, dict):
            body = json.dumps(body)
        return status, body or "", headers

    def send_signal(self, name, *args, **kwargs):
        pass


SERVER = Server()
SERVER.register_token_generator("default", BearerTokenGenerator(lambda *a, **k: secrets.token_urlsafe(32)))
SERVER.register_grant(CodeGrant, [CodeChallenge(required=False), IdToken(require_nonce=True)])


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def page(title: str, body: str, status: int = 200) -> tuple[int, str, list]:
    return status, PAGE.format(title=html.escape(title), body=body), [("Content-Type", "text/html; charset=utf-8")]


def hidden(fields: dict) -> str:
    return "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())


def login_page(query: dict, error: str = "") -> tuple[int, str, list]:
    message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return page(
        "Test identity provider: log in",
        f"""{message}<form method="post" action="/login">{hidden(query)}
<p><label for="username">Username</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Sign in</button></p></form>""",
        401 if error else 200,
    )


def consent_page(query: dict, username: str) -> tuple[int, str, list]:
    client = CLIENTS[query["client_id"]]
    return page(
        "Test identity provider: allow access",
        f"""<p>Signed in as {html.escape(username)}.</p>
<p>{html.escape(client.client_id)} asks to know your name and email address ({html.escape(query.get("scope", ""))}).</p>
<form method="post" action="/authorize">{hidden(query)}
<button type="submit" name="confirm" value="yes">Allow</button>
<button type="submit" name="confirm" value="no">Deny</button></form>""",
    )


def current_user(environ: dict) -> str | None:
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    return SESSIONS.get(cookie["idp"].value) if "idp" in cookie else None


def authorize(environ: dict, form: dict) -> tuple[int, str, list]:
    request = Request(environ, form)
    query = {k: v for k, v in request.payload.data.items() if k != "confirm"}
    try:
        grant = SERVER.get_consent_grant(request)
    except Exception as exc:  # noqa: BLE001 (a bad request is shown, as a provider would)
        return page("Test identity provider: error", f"<p>{html.escape(str(exc))}</p>", 400)
    user = current_user(environ)
    if user is None:
        return login_page(query)
    if environ["REQUEST_METHOD"] == "GET":
        return consent_page(query, user)
    return SERVER.create_authorization_response(
        request, grant_user=user if form.get("confirm") == "yes" else None, grant=grant
    )


def login(environ: dict, form: dict) -> tuple[int, str, list]:
    query = {k: v for k, v in form.items() if k not in {"username", "password"}}
    person = USERS.get(form.get("username", ""))
    if person is None or not secrets.compare_digest(person["password"], form.get("password", "")):
        return login_page(query, "Wrong username or password.")
    sid = secrets.token_urlsafe(16)
    with LOCK:
        SESSIONS[sid] = form["username"]
    return 302, "", [("Location", f"/authorize?{urlencode(query)}"), ("Set-Cookie", f"idp={sid}; Path=/; HttpOnly")]


def userinfo(environ: dict) -> tuple[int, str, list]:
    header = environ.get("HTTP_AUTHORIZATION", "")
    token = TOKENS.get(header[7:]) if header.startswith("Bearer ") else None
    if token is None:
        return 401, json.dumps({"error": "invalid_token"}), [("Content-Type", "application/json")]
    return 200, json.dumps(dict(user_info(token["user"], token["scope"]))), [("Content-Type", "application/json")]


def end_session(environ: dict) -> tuple[int, str, list]:
    query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    if "idp" in cookie:
        with LOCK:
            SESSIONS.pop(cookie["idp"].value, None)
    back = query.get("post_logout_redirect_uri", "")
    client = CLIENTS.get(query.get("client_id", ""))
    link = f'<p><a href="{html.escape(back)}">Back to {html.escape(client.client_id)}</a></p>' if client else ""
    status, body, headers = page("Test identity provider: logged out", f"<p>You are logged out.</p>{link}")
    return status, body, [*headers, ("Set-Cookie", "idp=; Path=/; Max-Age=0")]


def discovery() -> dict:
    return {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
        "jwks_uri": f"{ISSUER}/jwks",
        "end_session_endpoint": f"{ISSUER}/end_session",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "code_challenge_methods_supported": ["S256"],
    }


def control(path: str, data: dict) -> dict:
    with LOCK:
        if path == "/_test/client":
            CLIENTS[data["client_id"]] = Client(data["client_id"], data["secret"], data["redirect_uris"])
        elif path == "/_test/user":
            USERS[data["username"]] = data["claims"]
        elif path == "/_test/fault":
            FAULTS.append(data)
        elif path == "/_test/reset":
            FAULTS.clear()
            SESSIONS.clear()
    return {"ok": True}


def route(environ: dict) -> tuple[int, str, list]:
    path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
    form: dict = {}
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length).decode() if length else ""
        if path.startswith("/_test/"):
            return 200, json.dumps(control(path, json.loads(raw or "{}"))), [("Content-Type", "application/json")]
        form = dict(parse_qsl(raw, keep_blank_values=True))
    json_type = [("Content-Type", "application/json")]
    if path == "/.well-known/openid-configuration":
        return 200, json.dumps(discovery()), json_type
    if path == "/jwks":
        return 200, json.dumps({"keys": [KEY.as_dict(private=False)]}), json_type
    if path == "/authorize":
        return authorize(environ, form)
    if path == "/login" and method == "POST":
        return login(environ, form)
    if path == "/token" and method == "POST":
        return SERVER.create_token_response(Request(environ, form))
    if path == "/userinfo":
        return userinfo(environ)
    if path == "/end_session":
        return end_session(environ)
    return page("Not found", "<p>No such page.</p>", 404)


REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


def app(environ, start_response):
    try:
        status, body, headers = route(environ)
    except Exception:
        traceback.print_exc()
        raise
    start_response(f"{status} {REASONS.get(status, 'Status')}", list(headers))
    return [body.encode()]


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    global ISSUER
    server = make_server("127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler)
    ISSUER = f"http://127.0.0.1:{server.server_port}"
    print(f"READY {ISSUER}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
