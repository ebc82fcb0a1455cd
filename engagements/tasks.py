"""Background tasks of the engagements app (Django's tasks API, through django-tasks).

The worker (``manage.py db_worker``) runs them from the task table in the portal's database.
django-tasks has no retries of its own: a delivery that fails enqueues the next try itself,
``run_after`` the delay the outbox chose (see ``engagements.outbox``).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tasks import task

from engagements import outbox


@task()
def deliver_email(email_id: int) -> str:
    """Send one recorded email; on failure, schedule the next try. Returns the email's status."""
    attempt = outbox.email_attempt(email_id=email_id)
    if attempt.retry_in is not None:
        enqueue_delivery(email_id, delay=attempt.retry_in)
    return attempt.status


def enqueue_delivery(email_id: int, *, delay: int | None = None) -> None:
    """Ask the worker to deliver an email, ``delay`` seconds from now if given.

    A backend that cannot defer (the immediate one, in tests) runs the next try at once.
    """
    job = deliver_email
    if delay and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    job.enqueue(email_id)
