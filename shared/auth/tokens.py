"""Issuing local tokens and verifying bearer tokens into a Principal."""

import logging
import time
from typing import Any

import jwt

from shared.auth.principal import AuthError, KeysUnavailable, Principal, Role
from shared.auth.settings import AuthSettings

log = logging.getLogger(__name__)

LOCAL_ALGORITHMS: tuple[str, ...] = ("HS256",)
OIDC_ALGORITHMS: tuple[str, ...] = ("RS256", "ES256")
_REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]
_ROLE_VALUES = frozenset(role.value for role in Role)
# How long a fetched key set is trusted before it is fetched again, so a withdrawn key stops working.
JWKS_LIFESPAN_S = 300
JWKS_TIMEOUT_S = 5


def issue_token(
    settings: AuthSettings, *, subject: str, role: Role, organisation_id: str, ttl_s: int | None = None
) -> str:
    """Sign an HS256 token with the local secret; refused in oidc mode, where the provider issues them."""
    if settings.mode != "local":
        raise RuntimeError(
            "issue_token needs PERCORSI_AUTH_MODE=local; in oidc mode tokens come from the identity provider"
        )
    ttl = settings.token_ttl_s if ttl_s is None else ttl_s
    if ttl <= 0:
        raise ValueError(f"ttl_s must be a positive number of seconds, got {ttl}")
    if not subject or not organisation_id:
        raise ValueError("subject and organisation_id must be non-empty")
    now = int(time.time())
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": subject,
        settings.role_claim: Role(role).value,
        settings.org_claim: organisation_id,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, settings.local_secret.get_secret_value(), algorithm="HS256")


_VERIFIED_CACHE_SIZE = 4096
_NUMERIC_DATES = ("exp", "iat", "nbf")
_STRINGS = ("iss", "sub", "jti")


def _check_claim_types(claims: dict[str, Any]) -> None:
    """Registered claims of their JWT types only: NumericDate a JSON number, StringOrURI a string,
    `aud` a string or an array of strings."""
    for name in _NUMERIC_DATES:
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise AuthError(f"token {name!r} claim is not a number (a JWT NumericDate)")
    for name in _STRINGS:
        if name in claims and not isinstance(claims[name], str):
            raise AuthError(f"token {name!r} claim is not a string")
    aud = claims.get("aud")
    if "aud" in claims and not (isinstance(aud, str) or (
            isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud))):
        raise AuthError("token 'aud' claim is not a string or a list of strings")


class TokenVerifier:
    """Turns a bearer token into a Principal; build one per process and share it, it caches oidc keys."""

    def __init__(self, settings: AuthSettings) -> None:
        self._settings = settings
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._jwks: jwt.PyJWKClient | None = None
        if settings.mode == "oidc":
            assert settings.oidc_jwks_url is not None
            # The key-set cache expires after JWKS_LIFESPAN_S; PyJWT's per-key cache (cache_keys)
            # never expires, so a key the provider withdrew would be trusted until restart.
            self._jwks = jwt.PyJWKClient(
                settings.oidc_jwks_url, lifespan=JWKS_LIFESPAN_S, timeout=JWKS_TIMEOUT_S
            )

    @property
    def needs_network(self) -> bool:
        """True when verifying may fetch the provider's keys (oidc), so callers keep it off the loop."""
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        """Check signature, issuer, audience and expiry, then read role and organisation claims.
        A token already verified is answered from a small cache until its own expiry."""
        cached = self._verified.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        try:
            claims = self._decode(token)
        except jwt.PyJWKClientConnectionError:
            log.warning("cannot fetch signing keys from PERCORSI_AUTH_OIDC_JWKS_URL")
            raise KeysUnavailable("identity provider signing keys are unavailable") from None
        except jwt.PyJWTError as exc:
            raise AuthError(self._reason(exc)) from None
        principal = self._principal(claims)
        if len(self._verified) >= _VERIFIED_CACHE_SIZE:
            self._verified.pop(next(iter(self._verified)))  # oldest first: dicts keep insertion order
        self._verified[token] = (principal, float(claims["exp"]))
        return principal

    def _decode(self, token: str) -> dict[str, Any]:
        settings = self._settings
        key: Any
        if self._jwks is None:
            key, algorithms = settings.local_secret.get_secret_value(), LOCAL_ALGORITHMS
        else:
            # The PyJWK carries its own algorithm and PyJWT refuses a token whose header names
            # another, so an HS256 token cannot be checked against a public key used as a secret.
            key, algorithms = self._jwks.get_signing_key_from_jwt(token), OIDC_ALGORITHMS
        # Types first (RFC 7519 section 4.1): PyJWT reads a string `exp` through int(), so a token
        # whose "exp" is "9999999999" would pass its own checks.
        unverified = jwt.decode(token, options={"verify_signature": False})
        _check_claim_types(unverified)
        return jwt.decode(
            token,
            key,
            algorithms=list(algorithms),
            audience=settings.expected_audience,
            issuer=settings.expected_issuer,
            options={"require": _REQUIRED_CLAIMS},
        )

    def _reason(self, exc: jwt.PyJWTError) -> str:
        settings = self._settings
        match exc:
            case jwt.ExpiredSignatureError():
                return "token expired"
            case jwt.InvalidSignatureError():
                return "invalid signature"
            case jwt.InvalidAudienceError():
                return f"token audience is not {settings.expected_audience!r}"
            case jwt.InvalidIssuerError():
                return f"token issuer is not {settings.expected_issuer!r}"
            case jwt.MissingRequiredClaimError():
                return f"token has no {exc.claim!r} claim"
            case jwt.ImmatureSignatureError():
                return "token not yet valid"
            case jwt.InvalidAlgorithmError():
                allowed = ", ".join(OIDC_ALGORITHMS if self._jwks else LOCAL_ALGORITHMS)
                return f"token algorithm not allowed; expected one of: {allowed}"
            case jwt.PyJWKClientError():
                return "token signed with an unknown key"
            case jwt.DecodeError():
                return "malformed token"
        return f"invalid token ({type(exc).__name__})"

    def _principal(self, claims: dict[str, Any]) -> Principal:
        role_claim, org_claim = self._settings.role_claim, self._settings.org_claim
        raw_role = claims.get(role_claim)
        if raw_role is None:
            raise AuthError(f"token has no {role_claim!r} claim")
        # The claim's value is caller-controlled, so it is not echoed back.
        if not isinstance(raw_role, str) or raw_role not in _ROLE_VALUES:
            raise AuthError(f"token {role_claim!r} claim is not one of: {', '.join(Role)}")
        organisation_id = claims.get(org_claim)
        if not isinstance(organisation_id, str) or not organisation_id:
            raise AuthError(f"token has no {org_claim!r} claim")
        if not claims["sub"]:
            raise AuthError("token 'sub' claim is empty")
        return Principal(subject=claims["sub"], role=Role(raw_role), organisation_id=organisation_id)
