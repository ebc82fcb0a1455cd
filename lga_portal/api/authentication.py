"""Token authentication for scripts: ``Authorization: Bearer lga_…`` (``Token lga_…`` also works)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lga_portal.api.tokens import token_for_key

TOKEN_INVALID = "The token is invalid, expired or revoked."
HEADER_MALFORMED = "Send the token as 'Authorization: Bearer <key>'."
KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by an ``ApiToken`` key; answers 401 with a reason when it fails."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None  # Not ours: another scheme, or anonymous.
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(HEADER_MALFORMED)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID) from None
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer unauthenticated requests 401 (with this header) rather than 403.
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token created at /api/tokens/ (or with `manage.py create_api_token`), "
                "sent as `Authorization: Bearer <key>`. Tokens expire and can be revoked."
            ),
        }
