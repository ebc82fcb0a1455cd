"""Request-rate limits: per address when anonymous, per user when signed in, and a scope for
expensive aggregates. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (set from the
environment in settings) and are read on every request, so a changed setting takes effect at once.
Answers past the limit are 429 with ``Retry-After`` in seconds.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _RatesFromSettings:
    @property
    def THROTTLE_RATES(self):  # noqa: N802 - the attribute DRF's throttles read
        return api_settings.DEFAULT_THROTTLE_RATES


class AnonThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    pass


class ScopedThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):
    """Applies to views that set ``throttle_scope`` (e.g. "stats"); others pass."""
