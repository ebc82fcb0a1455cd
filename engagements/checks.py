"""System checks for what the emails and calendar feeds need from the settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

SITE_URL_MISSING = (
    "PORTAL['SITE_URL'] (the SITE_URL environment variable) must be the portal's public address, e.g. "
    "https://support.example.org: every link in an email and a calendar feed is built from it."
)


@checks.register(checks.Tags.compatibility, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    parts = urlsplit(settings.PORTAL.get("SITE_URL") or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [checks.Error(SITE_URL_MISSING, id="engagements.E001")]
    return []
