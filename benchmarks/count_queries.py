"""Count the database queries each benchmark scenario makes, in-process, on the benchmark database.

Run by ``benchmarks/run.py`` with the same DATABASE_URL; prints JSON {scenario name: queries}.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lga_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def main() -> None:
    scenarios = json.loads(sys.stdin.read())
    users = get_user_model().objects
    counts = {}
    for scenario in scenarios:
        client = Client()
        if scenario.get("user"):
            client.force_login(users.get(username=scenario["user"]))
        headers = scenario.get("headers") or {}
        warm = client.get(scenario["path"], headers=headers)  # warm caches (content types, sessions)
        if scenario.get("revalidate"):
            headers = {**headers, "If-None-Match": warm["ETag"]}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(scenario["path"], headers=headers)
            if hasattr(response, "streaming_content") and scenario.get("stream_rows_only") is None:
                for _ in response.streaming_content:
                    pass
        counts[scenario["name"]] = {"queries": len(queries), "status": response.status_code}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
