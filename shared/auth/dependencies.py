"""FastAPI dependency that authenticates the caller and checks their role.

The composition root must set `app.state.token_verifier` to a TokenVerifier before serving:

    app.state.token_verifier = TokenVerifier(AuthSettings())

    @router.post("/cases")
    def open_case(principal: Principal = Depends(require(Role.operator, Role.admin))): ...
"""

import logging
from collections.abc import Awaitable, Callable

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from shared.auth.principal import AuthError, KeysUnavailable, Principal, Role
from shared.auth.tokens import TokenVerifier

log = logging.getLogger(__name__)

# auto_error=False: FastAPI's own refusal says only "Not authenticated"; ours says what is wrong.
_bearer = HTTPBearer(auto_error=False, description="JWT issued by Percorsi or the configured OIDC provider")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class RoleRefused(HTTPException):
    """403: the caller's role is not among the route's; `rule` names it in the error body, as every refusal's."""

    rule = "role_not_allowed"

    def __init__(self, detail: str) -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, detail=detail)


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """Return a dependency yielding the caller's Principal, admitting only the listed roles."""
    if not roles:
        raise ValueError("require() needs at least one role; list every role the route admits")
    allowed = frozenset(Role(role) for role in roles)
    needed = ", ".join(Role(role) for role in roles)

    async def authenticated(
        request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
    ) -> Principal:
        # An oidc key fetch must not block the event loop, so it runs in the threadpool; a local
        # HS256 check is microseconds of CPU, cheaper than the thread hop.
        if _verifier(request).needs_network:
            principal = await run_in_threadpool(_authenticate, request, credentials)
        else:
            principal = _authenticate(request, credentials)
        if principal.role not in allowed:
            raise RoleRefused(f"role {principal.role.value!r} may not do this; needs one of: {needed}")
        return principal

    return authenticated


def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    if credentials is None:
        reason = (
            "missing bearer token"
            if "authorization" not in request.headers
            else "Authorization header must be 'Bearer <token>'"
        )
        raise _unauthorized(reason)
    try:
        return _verifier(request).verify(credentials.credentials)
    except KeysUnavailable as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=str(exc)) from None
    except AuthError as exc:
        log.info("bearer token refused: %s", exc)
        raise _unauthorized(str(exc)) from None


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise RuntimeError("app.state.token_verifier is not set; the composition root must set it")
    return verifier


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=reason, headers=_CHALLENGE)
