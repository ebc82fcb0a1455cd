"""The ceiling the benchmarks measure the portal against: a bare Django view, never part of the portal.

No middleware, no database, no templates: one URL pattern answering ``HttpResponse("ok")`` to
every path. ``benchmarks/run.py`` serves it with the same gunicorn command and settings as the
portal, in the same run, so each throughput can be read as a share of what Django itself does
on this machine at that moment.

    .venv/bin/python -m gunicorn benchmarks.bare_app --bind 127.0.0.1:8001
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bare-view-benchmark-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_TZ=True,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402


def ok(request):
    return HttpResponse("ok")


urlpatterns = [re_path(r"", ok)]

application = get_wsgi_application()
