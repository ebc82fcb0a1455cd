"""Sign-in accounts: Django's password reset, with its email sent through the outbox like
every other email the portal sends (recorded, delivered by the worker, retried)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.template.loader import render_to_string

from engagements.models import EmailKind
from engagements.notifications import site_url
from engagements.outbox import email_queue


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Links use the portal's configured address, never the Host header of the request.
        context = {**context, "site_url": site_url()}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        email_queue(
            kind=EmailKind.PASSWORD_RESET,
            to=to_email,
            subject=subject,
            text_body=render_to_string(email_template_name, context),
            html_body=render_to_string(html_email_template_name, context) if html_email_template_name else "",
            user=context.get("user"),
            from_email=from_email,
        )
