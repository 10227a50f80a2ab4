"""Authentication settings, read from PERCORSI_AUTH_* and PERCORSI_ENV."""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.environment import DEV_ENVS, Environment

# Known to everyone who reads this file, so it is accepted only where nothing real is at stake.
DEV_LOCAL_SECRET = "percorsi-dev-secret-not-for-use-outside-local-runs"
# HS256 keys shorter than the hash output are easier to brute-force (RFC 7518 section 3.2).
MIN_SECRET_BYTES = 32


class AuthSettings(BaseSettings):
    """How services issue and verify bearer tokens; fails at construction on unsafe values."""

    model_config = SettingsConfigDict(env_prefix="PERCORSI_AUTH_", populate_by_name=True)

    env: Environment = Field("local", validation_alias="PERCORSI_ENV")
    mode: Literal["local", "oidc"] = "local"
    local_secret: SecretStr = SecretStr(DEV_LOCAL_SECRET)
    issuer: str = "percorsi-local"
    audience: str = "percorsi"
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    role_claim: str = "role"
    org_claim: str = "org"
    token_ttl_s: int = Field(3600, gt=0)

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        if self.mode == "oidc":
            self._check_oidc()
        if self.mode == "local" and self.env not in DEV_ENVS:
            self._check_local_secret()
        return self

    def _check_oidc(self) -> None:
        missing = [
            f"PERCORSI_AUTH_{name.upper()}"
            for name in ("oidc_jwks_url", "oidc_issuer")
            if not getattr(self, name)
        ]
        if missing:
            raise ValueError(f"PERCORSI_AUTH_MODE=oidc needs {' and '.join(missing)} to be set")
        assert self.oidc_jwks_url is not None
        if not self.oidc_jwks_url.startswith(("https://", "http://")):
            raise ValueError(
                f"PERCORSI_AUTH_OIDC_JWKS_URL must be an http(s) URL, got {self.oidc_jwks_url!r}"
            )

    def _check_local_secret(self) -> None:
        secret = self.local_secret.get_secret_value()
        if secret == DEV_LOCAL_SECRET:
            raise ValueError(
                f"PERCORSI_AUTH_LOCAL_SECRET is unset or the development default, which is refused "
                f"when PERCORSI_ENV={self.env!r}; set it to a random secret of at least "
                f"{MIN_SECRET_BYTES} bytes"
            )
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"PERCORSI_AUTH_LOCAL_SECRET must be at least {MIN_SECRET_BYTES} bytes "
                f"when PERCORSI_ENV={self.env!r}"
            )

    @property
    def expected_issuer(self) -> str:
        """The `iss` a token must carry in the current mode."""
        if self.mode == "oidc":
            assert self.oidc_issuer is not None
            return self.oidc_issuer
        return self.issuer

    @property
    def expected_audience(self) -> str:
        """The `aud` a token must carry; oidc falls back to `audience` when no oidc_audience is set."""
        if self.mode == "oidc" and self.oidc_audience:
            return self.oidc_audience
        return self.audience
