"""Bearer-token authentication shared by every service.

Services build one TokenVerifier in their composition root and put it on `app.state.token_verifier`;
routes then take `principal: Principal = Depends(require(Role.operator, Role.admin))`.
"""

from shared.auth.dependencies import require
from shared.auth.principal import AuthError, KeysUnavailable, Principal, Role
from shared.auth.settings import AuthSettings
from shared.auth.tokens import TokenVerifier, issue_token

__all__ = [
    "AuthError",
    "AuthSettings",
    "KeysUnavailable",
    "Principal",
    "Role",
    "TokenVerifier",
    "issue_token",
    "require",
]
