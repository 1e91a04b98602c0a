"""Who is calling, and may they: API tokens, signed session cookies, CSRF tokens, roles and jurisdictions.

- A tool sends ``Authorization: Bearer <token>`` (tokens are issued and revoked
  by an admin: ``fivegood register user token``). A token that is unknown or
  revoked is refused (401), never treated as anonymous.
- A person logs in through ``/login``; the session is a cookie signed with the
  service's key, ``HttpOnly`` and ``SameSite=Lax`` (``Secure`` behind HTTPS).
- Every change made with a session cookie carries the CSRF token (a form's
  hidden ``csrf_token`` field or the ``X-CSRF-Token`` header), which must equal
  the one in the signed CSRF cookie (a signed double-submit cookie): a page of
  another site can make the browser send the cookies, never read them.
- What a user may do is :data:`fivegood_core.register.users.PERMISSIONS`,
  the one table of roles; a user limited to a jurisdiction sees nothing of
  another (the answer is "not found", as for something that does not exist).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from fivegood_core.errors import FivegoodError
from fivegood_core.register.errors import RefusedError
from fivegood_core.register.programmes import Programme
from fivegood_core.register.users import User
from fivegood_core.server.problems import HTTPProblem, NotFound
from fivegood_core.server.services import Services
from fivegood_core.words.catalogue import say

SESSION_COOKIE = "fivegood_session"
CSRF_COOKIE = "fivegood_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _signer(services: Services, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(services.settings.secret_key, salt=f"fivegood-{purpose}")


def services_of(request: Request) -> Services:
    """The service's engine, register and settings (set on the application when it was made)."""
    found: Services = request.app.state.services
    return found


# --- sessions ------------------------------------------------------------------------------


def start_session(request: Request, response: Response, user: User) -> None:
    """Log ``user`` in on ``response``: a signed session cookie, and a fresh CSRF token (the old one is not kept across a login)."""
    services = services_of(request)
    token = secrets.token_urlsafe(24)
    request.state.csrf = token
    response.set_cookie(
        SESSION_COOKIE,
        _signer(services, "session").dumps({"u": user.name, "s": user.state}),
        max_age=services.settings.session_seconds,
        httponly=True,
        samesite="lax",
        secure=services.settings.secure_cookies,
        path="/",
    )
    _set_csrf_cookie(request, response, token)


def end_session(request: Request, response: Response) -> None:
    """Log out: the user's sessions ended in the register (a copied cookie stops working too), both cookies cleared."""
    user = _session_user(request)
    if user is not None:
        services_of(request).users.sign_out(user.name, actor=user.name)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


def _session_user(request: Request) -> User | None:
    services = services_of(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        data = _signer(services, "session").loads(cookie, max_age=services.settings.session_seconds)
    except BadSignature:
        return None
    name = data.get("u") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return None
    user = services.users.get(name)
    # A session ends when the user's password, role, jurisdiction or activity changes after it began.
    if user is None or not user.active or data.get("s") != user.state:
        return None
    return user


def current_user(request: Request) -> User | None:
    """The calling user: from a bearer token, else from the session cookie; None when anonymous.

    Sets ``request.state.via`` to ``"token"`` or ``"session"``, which decides whether a change needs a CSRF token.
    """
    if hasattr(request.state, "user"):
        cached: User | None = request.state.user
        return cached
    header = request.headers.get("authorization")
    user: User | None = None
    via = None
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise HTTPProblem(401, say("server.bad_authorization"), {"WWW-Authenticate": "Bearer"}, code="login_required")
        user = services_of(request).users.token_user(secret.strip())
        if user is None:
            raise HTTPProblem(401, say("server.bad_token"), {"WWW-Authenticate": "Bearer"}, code="login_required")
        via = "token"
    else:
        user = _session_user(request)
        via = "session" if user is not None else None
    request.state.user = user
    request.state.via = via
    return user


# --- CSRF ----------------------------------------------------------------------------------


def csrf_token(request: Request) -> str:
    """This browser's CSRF token, for a form's hidden field; a new one is made (and set by :func:`finish`) when it has none."""
    existing = getattr(request.state, "csrf", None)
    if existing:
        return str(existing)
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie:
        try:
            token = _signer(services_of(request), "csrf").loads(cookie)
            if isinstance(token, str):
                request.state.csrf = token
                return token
        except BadSignature:
            pass
    token = secrets.token_urlsafe(24)
    request.state.csrf = token
    request.state.csrf_new = True
    return token


def _set_csrf_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        CSRF_COOKIE,
        _signer(services_of(request), "csrf").dumps(token),
        httponly=True,
        samesite="lax",
        secure=services_of(request).settings.secure_cookies,
        path="/",
    )


def finish(request: Request, response: Response) -> Response:
    """Set the CSRF cookie on ``response`` when this request made a new token."""
    if getattr(request.state, "csrf_new", False):
        _set_csrf_cookie(request, response, request.state.csrf)
    return response


def check_csrf(request: Request, given: Any) -> None:
    """Refuse (403) unless ``given`` equals the token of the signed CSRF cookie, and the browser says the request is not cross-site.

    ``Sec-Fetch-Site`` is set by the browser itself (a page cannot forge it): a
    change sent from another site, or from a sibling subdomain that could have
    planted its own CSRF cookie, is refused even with a matching token.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in ("same-origin", "none"):
        raise HTTPProblem(403, say("server.cross_site"), code="csrf")
    if request.headers.get("origin", "").strip().lower() == "null":  # a sandboxed frame or a data: page
        raise HTTPProblem(403, say("server.cross_site"), code="csrf")
    cookie = request.cookies.get(CSRF_COOKIE)
    expected = None
    if cookie:
        try:
            expected = _signer(services_of(request), "csrf").loads(cookie)
        except BadSignature:
            expected = None
    if not isinstance(given, str) or not isinstance(expected, str) or not hmac.compare_digest(given, expected):
        raise HTTPProblem(403, say("server.csrf"), code="csrf")


# --- roles ---------------------------------------------------------------------------------


def authorise(request: Request, action: str, *, csrf: Any = None) -> User:
    """The calling user if their role allows ``action``: 401 when anonymous, 403 when not allowed.

    A change made with a session cookie must carry its CSRF token (``csrf``, from
    a form, or the ``X-CSRF-Token`` header); one made with a bearer token needs none.
    """
    user = current_user(request)
    if user is None:
        raise HTTPProblem(401, say("server.login_required"), {"WWW-Authenticate": "Bearer"}, code="login_required")
    if request.method not in SAFE_METHODS and request.state.via == "session":
        check_csrf(request, csrf if csrf is not None else request.headers.get(CSRF_HEADER))
    if not user.may(action):
        raise HTTPProblem(403, say("server.forbidden", user=user.name, role=user.role, action=action), code="forbidden")
    return user


def visible(user: User | None, jurisdiction: str, what: str) -> None:
    """Refuse, as "not found", what lies in a jurisdiction the user does not see."""
    if user is not None and not user.sees(jurisdiction):
        raise NotFound(say("server.not_found", what=what))


def screened(request: Request, error: FivegoodError) -> FivegoodError:
    """``error``, or "not found" when it is a refusal about a subject the calling user may not see.

    Subject ids are one namespace across jurisdictions: nominating or submitting
    an id that another jurisdiction already holds is refused by the register with
    a message naming that subject's kind and jurisdiction. A user limited to a
    jurisdiction must learn nothing of another, so the refusal becomes "not found".
    """
    if not isinstance(error, RefusedError) or not error.subject:
        return error
    user = getattr(request.state, "user", None)
    if not isinstance(user, User) or user.jurisdiction is None:
        return error
    try:
        found = services_of(request).register.subject(error.subject)
    except FivegoodError:
        found = None
    if found is not None and user.sees(found["jurisdiction"]):
        return error
    return NotFound(say("server.not_found", what=error.subject))


def programme_for(request: Request, user: User | None, ref: str, on: dt.date | None = None) -> Programme:
    """The programme ``ref`` names (in force on ``on``), or "not found" when there is none or the user may not see it."""
    try:
        prog = services_of(request).register.programme(ref, on)
    except FivegoodError:
        raise NotFound(say("server.not_found", what=ref)) from None
    visible(user, prog.jurisdiction, ref)
    return prog


def subject_for(request: Request, user: User, subject: str) -> dict[str, Any]:
    """The subject's row, or "not found" when it does not exist or lies outside the user's jurisdiction."""
    found = services_of(request).register.subject(subject)
    if found is None:
        raise NotFound(say("server.not_found", what=subject))
    visible(user, found["jurisdiction"], subject)
    return found
