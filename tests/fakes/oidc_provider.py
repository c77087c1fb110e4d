"""A small OpenID Connect provider on loopback, for the real st.login flow in tests.

It speaks the wire protocol Authlib (inside Streamlit) expects: a discovery document,
/authorize that at once redirects back with a code for the configured user (no login
form: the test says who is signing in), /token that swaps the code (checking client,
redirect and code once only) for an id_token signed RS256 with a key made at start-up,
/jwks with the public half, and /userinfo. Nothing reaches the internet.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "hotseat-test"
CLIENT_SECRET = "test-client-secret"  # a test value, not a credential of anything real


@dataclass
class _Grant:
    claims: dict[str, Any]
    redirect_uri: str
    nonce: str | None


@dataclass
class FakeOIDCProvider:
    user: dict[str, Any] = field(default_factory=dict)  # claims of whoever signs in next
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(
            2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}
        )
    )
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    token_requests: int = 0

    def start(self) -> FakeOIDCProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                provider._get(self)

            def do_POST(self) -> None:  # noqa: N802
                provider._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    # -- endpoints ---------------------------------------------------------------------

    def _get(self, req: BaseHTTPRequestHandler) -> None:
        url = urlparse(req.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            _json(req, 200, self._discovery())
        elif url.path == "/jwks":
            _json(req, 200, {"keys": [self.key.as_dict(private=False)]})
        elif url.path == "/authorize":
            self._authorize(req, query)
        elif url.path == "/userinfo":
            token = req.headers.get("Authorization", "").removeprefix("Bearer ")
            claims = self._tokens.get(token)
            _json(req, 200 if claims else 401, claims or {"error": "invalid_token"})
        else:
            _json(req, 404, {"error": "not_found"})

    def _post(self, req: BaseHTTPRequestHandler) -> None:
        if urlparse(req.path).path != "/token":
            _json(req, 404, {"error": "not_found"})
            return
        length = int(req.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(req.rfile.read(length).decode()).items()}
        client_id, client_secret = _client_credentials(req, form)
        with self._lock:
            self.token_requests += 1
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            _json(req, 401, {"error": "invalid_client"})
        elif grant is None or form.get("redirect_uri") != grant.redirect_uri:
            _json(req, 400, {"error": "invalid_grant"})
        else:
            access = secrets.token_urlsafe(24)
            self._tokens[access] = grant.claims
            now = int(time.time())
            claims = {
                **grant.claims,
                "iss": self.issuer,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 600,
                **({"nonce": grant.nonce} if grant.nonce else {}),
            }
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
            _json(
                req,
                200,
                {
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "id_token": id_token,
                    "scope": "openid email profile",
                },
            )

    def _authorize(self, req: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            _json(req, 400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = _Grant(dict(self.user), query["redirect_uri"], query.get("nonce"))
        back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
        req.send_response(302)
        req.send_header("Location", back)
        req.end_headers()

    def _discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }


def _client_credentials(req: BaseHTTPRequestHandler, form: dict[str, str]) -> tuple[str, str]:
    header = req.headers.get("Authorization", "")
    if header.startswith("Basic "):
        raw = base64.b64decode(header.removeprefix("Basic ")).decode()
        user, _, password = raw.partition(":")
        return unquote(user), unquote(password)
    return form.get("client_id", ""), form.get("client_secret", "")


def _json(req: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    req.send_response(status)
    req.send_header("Content-Type", "application/json")
    req.send_header("Content-Length", str(len(data)))
    req.end_headers()
    req.wfile.write(data)
