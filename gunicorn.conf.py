"""gunicorn settings for production: `gunicorn lga_portal.wsgi` reads this file.

Threaded workers, and a timeout long enough for the streamed CSV exports of a million
engagements (about a minute); both can be changed from the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "300"))
graceful_timeout = 30
accesslog = "-"
