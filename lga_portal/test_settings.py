"""Fast settings for the test suite: cheap hashing, in-memory email and cache."""

import os

os.environ.setdefault("DEBUG", "1")

from lga_portal.settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's own process; the end-to-end email tests switch to the
# database backend and run the real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PORTAL = {**PORTAL, "EMAIL_RETRY_DELAYS": [0, 0]}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite runs in one process, so its in-memory cache is shared by every request, as Redis is
# in production: the public pages' state is kept in the cache, as it is there.
PORTAL = {**PORTAL, "PAGE_STATE_IN_CACHE": True}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# API rates high enough that the suite never meets them; throttling tests lower them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "stats": "100000/minute"},
}
# Likewise the support requests per client address (every test client is 127.0.0.1); the tests of
# that limit lower it.
PORTAL = {**PORTAL, "SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR": 100000}  # noqa: F405
