import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from shared import token as token_cli
from shared.auth import (
    AuthError,
    AuthSettings,
    KeysUnavailable,
    Principal,
    Role,
    TokenVerifier,
    issue_token,
    require,
)

pytestmark = pytest.mark.unit

SECRET = "unit-test-secret-long-enough-for-hs256-0123456789"
OIDC_ISSUER = "https://idp.example.test/realms/percorsi"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's shell from changing what AuthSettings() reads."""
    for name in list(os.environ):
        if name.startswith("PERCORSI_AUTH_") or name == "PERCORSI_ENV":
            monkeypatch.delenv(name)


@pytest.fixture
def settings() -> AuthSettings:
    return AuthSettings(local_secret=SECRET)


@pytest.fixture
def verifier(settings: AuthSettings) -> TokenVerifier:
    return TokenVerifier(settings)


@pytest.fixture
def client(verifier: TokenVerifier) -> TestClient:
    app = FastAPI()
    app.state.token_verifier = verifier

    @app.get("/cases")
    def cases(principal: Principal = Depends(require(Role.operator, Role.admin))) -> dict[str, str]:
        return {"sub": principal.subject, "role": principal.role, "org": principal.organisation_id}

    @app.get("/grants")
    def grants(principal: Principal = Depends(require(Role.funder))) -> dict[str, str]:
        return {"role": principal.role}

    return TestClient(app)


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "percorsi-local",
        "aud": "percorsi",
        "sub": "user-1",
        "role": "operator",
        "org": "org-1",
        "iat": now,
        "exp": now + 60,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _hs256(claims: dict[str, Any], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(settings: AuthSettings, role: Role) -> str:
    return issue_token(settings, subject="user-1", role=role, organisation_id="org-1")


# --- local mode: issue and verify -------------------------------------------------------------


def test_issued_token_verifies_to_the_principal(settings: AuthSettings, verifier: TokenVerifier) -> None:
    token = issue_token(settings, subject="user-7", role=Role.housing, organisation_id="org-9", ttl_s=120)

    assert verifier.verify(token) == Principal(subject="user-7", role=Role.housing, organisation_id="org-9")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 120
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_issue_token_refuses_oidc_mode() -> None:
    oidc = AuthSettings(mode="oidc", oidc_jwks_url="http://127.0.0.1:1/jwks", oidc_issuer=OIDC_ISSUER)

    with pytest.raises(RuntimeError, match="PERCORSI_AUTH_MODE=local"):
        issue_token(oidc, subject="user-1", role=Role.operator, organisation_id="org-1")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"aud": "someone-else"}, "token audience is not 'percorsi'"),
        ({"iss": "someone-else"}, "token issuer is not 'percorsi-local'"),
        ({"org": None}, "token has no 'org' claim"),
        ({"org": ""}, "token has no 'org' claim"),
        ({"role": None}, "token has no 'role' claim"),
        ({"role": "superuser"}, "token 'role' claim is not one of: operator, housing, employment"),
        ({"exp": None}, "token has no 'exp' claim"),
        ({"sub": None}, "token has no 'sub' claim"),
        ({"sub": ""}, "token 'sub' claim is empty"),
    ],
    ids=["aud", "iss", "no-org", "empty-org", "no-role", "unknown-role", "no-exp", "no-sub", "empty-sub"],
)
def test_verifier_rejects_bad_claims(verifier: TokenVerifier, overrides: dict[str, Any], reason: str) -> None:
    with pytest.raises(AuthError, match=reason):
        verifier.verify(_hs256(_claims(**overrides)))


def test_verifier_rejects_unsigned_token(verifier: TokenVerifier) -> None:
    unsigned = jwt.encode(_claims(), None, algorithm="none")

    with pytest.raises(AuthError, match="token algorithm not allowed; expected one of: HS256"):
        verifier.verify(unsigned)


# --- FastAPI dependency -----------------------------------------------------------------------


def test_listed_role_is_admitted(client: TestClient, settings: AuthSettings) -> None:
    response = client.get("/cases", headers=_bearer(_token(settings, Role.operator)))

    assert response.status_code == 200
    assert response.json() == {"sub": "user-1", "role": "operator", "org": "org-1"}


def _assert_401(response: Any, detail: str) -> None:
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_401(client: TestClient) -> None:
    expired = _hs256(_claims(iat=int(time.time()) - 120, exp=int(time.time()) - 60))

    _assert_401(client.get("/cases", headers=_bearer(expired)), "token expired")


def test_wrong_signature_is_401(client: TestClient) -> None:
    forged = _hs256(_claims(), secret="another-secret-that-is-long-enough-0123456789")

    _assert_401(client.get("/cases", headers=_bearer(forged)), "invalid signature")


def test_missing_header_is_401(client: TestClient) -> None:
    _assert_401(client.get("/cases"), "missing bearer token")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwdw==", "Bearer", "token-without-scheme"])
def test_malformed_header_is_401(client: TestClient, header: str) -> None:
    response = client.get("/cases", headers={"Authorization": header})

    _assert_401(response, "Authorization header must be 'Bearer <token>'")


def test_garbage_token_is_401(client: TestClient) -> None:
    _assert_401(client.get("/cases", headers=_bearer("not-a-jwt")), "malformed token")


def test_wrong_role_is_403_naming_the_roles_needed(client: TestClient, settings: AuthSettings) -> None:
    response = client.get("/cases", headers=_bearer(_token(settings, Role.funder)))

    assert response.status_code == 403
    assert response.json() == {"detail": "role 'funder' may not do this; needs one of: operator, admin"}


def test_admin_is_only_admitted_where_listed(client: TestClient, settings: AuthSettings) -> None:
    admin = _bearer(_token(settings, Role.admin))

    assert client.get("/cases", headers=admin).status_code == 200
    assert client.get("/grants", headers=admin).status_code == 403


def test_refused_token_is_not_logged(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    forged = _hs256(_claims(), secret="another-secret-that-is-long-enough-0123456789")

    with caplog.at_level(logging.DEBUG):
        client.get("/cases", headers=_bearer(forged))

    assert "invalid signature" in caplog.text
    assert forged not in caplog.text
    assert forged.split(".")[1] not in caplog.text


def test_require_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        require()


# --- oidc mode, against a real JWKS endpoint on loopback ------------------------------------


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


class _Jwks:
    """A JWKS document served over HTTP, counting fetches."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.fetches = 0
        self.url = ""


@pytest.fixture
def jwks(rsa_key: rsa.RSAPrivateKey, ec_key: ec.EllipticCurvePrivateKey) -> Iterator[_Jwks]:
    rsa_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
    ec_jwk = jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key(), as_dict=True)
    keys = [{**rsa_jwk, "kid": "rsa-1", "use": "sig"}, {**ec_jwk, "kid": "ec-1", "use": "sig"}]
    served = _Jwks({"keys": keys})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            served.fetches += 1
            body = json.dumps(served.document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval keeps shutdown() from adding half a second to every test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


def _oidc_settings(jwks_url: str, **overrides: Any) -> AuthSettings:
    values = {
        "mode": "oidc",
        "oidc_jwks_url": jwks_url,
        "oidc_issuer": OIDC_ISSUER,
        "oidc_audience": "percorsi-api",
        "role_claim": "percorsi_role",
        "org_claim": "percorsi_org",
    }
    return AuthSettings(**{**values, **overrides})


def _oidc_claims(**overrides: Any) -> dict[str, Any]:
    values = {
        "iss": OIDC_ISSUER,
        "aud": "percorsi-api",
        "role": None,
        "org": None,
        "percorsi_role": "employment",
        "percorsi_org": "org-5",
    }
    return _claims(**{**values, **overrides})


def _signed(key: Any, algorithm: str, kid: str, claims: dict[str, Any] | None = None) -> str:
    return jwt.encode(claims or _oidc_claims(), key, algorithm=algorithm, headers={"kid": kid})


def test_oidc_accepts_rs256_signed_by_the_published_key(jwks: _Jwks, rsa_key: rsa.RSAPrivateKey) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url))

    principal = verifier.verify(_signed(rsa_key, "RS256", "rsa-1"))

    assert principal == Principal(subject="user-1", role=Role.employment, organisation_id="org-5")


def test_oidc_accepts_es256_and_caches_the_key_set(
    jwks: _Jwks, ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url))

    verifier.verify(_signed(ec_key, "ES256", "ec-1"))
    verifier.verify(_signed(rsa_key, "RS256", "rsa-1"))

    assert jwks.fetches == 1


def test_oidc_rejects_a_token_signed_by_another_key(jwks: _Jwks) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url))
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(AuthError, match="invalid signature"):
        verifier.verify(_signed(impostor, "RS256", "rsa-1"))
    with pytest.raises(AuthError, match="token signed with an unknown key"):
        verifier.verify(_signed(impostor, "RS256", "rsa-unknown"))


def test_oidc_rejects_hs256_even_with_a_known_kid(jwks: _Jwks) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url))

    with pytest.raises(AuthError, match="token algorithm not allowed; expected one of: RS256, ES256"):
        verifier.verify(_signed(SECRET, "HS256", "rsa-1"))


def test_oidc_checks_issuer_audience_and_claims(jwks: _Jwks, rsa_key: rsa.RSAPrivateKey) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url))

    with pytest.raises(AuthError, match=f"token issuer is not '{OIDC_ISSUER}'"):
        verifier.verify(_signed(rsa_key, "RS256", "rsa-1", _oidc_claims(iss="https://evil.test")))
    with pytest.raises(AuthError, match="token audience is not 'percorsi-api'"):
        verifier.verify(_signed(rsa_key, "RS256", "rsa-1", _oidc_claims(aud="percorsi")))
    with pytest.raises(AuthError, match="token has no 'percorsi_org' claim"):
        verifier.verify(_signed(rsa_key, "RS256", "rsa-1", _oidc_claims(percorsi_org=None)))


def test_oidc_audience_defaults_to_audience(jwks: _Jwks, rsa_key: rsa.RSAPrivateKey) -> None:
    verifier = TokenVerifier(_oidc_settings(jwks.url, oidc_audience=None))

    principal = verifier.verify(_signed(rsa_key, "RS256", "rsa-1", _oidc_claims(aud="percorsi")))

    assert principal.role is Role.employment


def test_oidc_unreachable_key_set_is_503(rsa_key: rsa.RSAPrivateKey) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    verifier = TokenVerifier(_oidc_settings(f"http://127.0.0.1:{closed_port}/jwks.json"))
    token = _signed(rsa_key, "RS256", "rsa-1")

    with pytest.raises(KeysUnavailable):
        verifier.verify(token)

    app = FastAPI()
    app.state.token_verifier = verifier

    @app.get("/cases")
    def cases(principal: Principal = Depends(require(Role.employment))) -> dict[str, str]:
        return {}

    response = TestClient(app).get("/cases", headers=_bearer(token))
    assert response.status_code == 503
    assert response.json() == {"detail": "identity provider signing keys are unavailable"}


# --- settings guards --------------------------------------------------------------------------


@pytest.mark.parametrize("env", ["compose", "production"])
def test_default_secret_is_refused_outside_local_runs(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("PERCORSI_ENV", env)

    with pytest.raises(ValidationError, match=f"PERCORSI_AUTH_LOCAL_SECRET .* PERCORSI_ENV='{env}'"):
        AuthSettings()


def test_short_secret_is_refused_outside_local_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERCORSI_ENV", "compose")
    monkeypatch.setenv("PERCORSI_AUTH_LOCAL_SECRET", "too-short")

    with pytest.raises(ValidationError, match="PERCORSI_AUTH_LOCAL_SECRET must be at least 32 bytes"):
        AuthSettings()


def test_own_secret_is_accepted_outside_local_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERCORSI_ENV", "compose")
    monkeypatch.setenv("PERCORSI_AUTH_LOCAL_SECRET", SECRET)

    assert AuthSettings().local_secret.get_secret_value() == SECRET


@pytest.mark.parametrize("env", ["local", "test"])
def test_default_secret_is_accepted_in_local_runs(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("PERCORSI_ENV", env)

    assert AuthSettings().env == env


def test_oidc_mode_needs_jwks_url_and_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERCORSI_AUTH_MODE", "oidc")
    both = "needs PERCORSI_AUTH_OIDC_JWKS_URL and PERCORSI_AUTH_OIDC_ISSUER to be set"
    with pytest.raises(ValidationError, match=both):
        AuthSettings()

    monkeypatch.setenv("PERCORSI_AUTH_OIDC_JWKS_URL", "https://idp.example.test/jwks")
    with pytest.raises(ValidationError, match="needs PERCORSI_AUTH_OIDC_ISSUER to be set"):
        AuthSettings()

    monkeypatch.setenv("PERCORSI_AUTH_OIDC_ISSUER", OIDC_ISSUER)
    assert AuthSettings().expected_issuer == OIDC_ISSUER


# --- token CLI --------------------------------------------------------------------------------


def test_cli_prints_only_a_verifiable_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], verifier: TokenVerifier
) -> None:
    monkeypatch.setenv("PERCORSI_AUTH_LOCAL_SECRET", SECRET)

    assert token_cli.main(["--role", "operator", "--org", "org-demo", "--sub", "user-3", "--ttl", "90"]) == 0

    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert verifier.verify(out.strip()) == Principal("user-3", Role.operator, "org-demo")


def test_cli_rejects_unknown_role_listing_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        token_cli.main(["--role", "boss", "--org", "org-demo"])

    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "'operator', 'housing', 'employment', 'funder', 'admin'" in captured.err
