"""Notifications: the requester's status-page token, each user's email choices and calendar secret,
and the record of every outgoing email.

The token is added empty, filled with a fresh secret for each existing request, then made
unique: a callable default would give every existing row the same value.
"""

import django.db.models.deletion
import engagements.models
from django.conf import settings
from django.db import migrations, models


def give_each_request_a_token(apps, schema_editor):
    SupportRequest = apps.get_model("engagements", "SupportRequest")
    requests = list(SupportRequest.objects.using(schema_editor.connection.alias).only("pk"))
    for request in requests:
        request.status_token = engagements.models.new_secret()
    SupportRequest.objects.using(schema_editor.connection.alias).bulk_update(requests, ["status_token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0005_theme_events_and_suggestion_dismissals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="supportrequest",
            name="status_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_request_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="supportrequest",
            name="status_token",
            field=models.CharField(
                default=engagements.models.new_secret,
                editable=False,
                help_text="The secret in the requester's private status-page link; shown to no one else.",
                max_length=64,
                unique=True,
            ),
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, help_text="When this record was created.")),
                (
                    "modified_at",
                    models.DateTimeField(auto_now=True, db_index=True, help_text="When this record was last changed."),
                ),
                (
                    "follow_up_reminders",
                    models.BooleanField(
                        default=True,
                        help_text="Email on the day a follow-up falls due, listing it with the recently overdue ones.",
                    ),
                ),
                (
                    "digest",
                    models.CharField(
                        choices=[("weekly", "Every week"), ("fortnightly", "Every other week"), ("off", "Never")],
                        default="weekly",
                        help_text="How often to send the digest of follow-ups, quiet councils, requests and catalogue changes.",
                        max_length=12,
                    ),
                ),
                (
                    "digest_weekday",
                    models.PositiveSmallIntegerField(
                        choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday")],
                        default=0,
                        help_text="The day of the week the digest is sent.",
                    ),
                ),
                (
                    "calendar_secret",
                    models.CharField(
                        default=engagements.models.new_secret,
                        help_text="The secret in the calendar feed's address; resetting it stops the old address working.",
                        max_length=64,
                        unique=True,
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        help_text="Whose choices these are.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="OutgoingEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("support_request", "Support request (to the adviser or contact)"),
                            ("request_confirmation", "Confirmation to the requester"),
                            ("follow_up_reminder", "Follow-up reminder"),
                            ("digest", "Digest"),
                            ("password_reset", "Password reset"),
                        ],
                        help_text="What the email is for.",
                        max_length=24,
                    ),
                ),
                ("to", models.EmailField(help_text="The one recipient.", max_length=254)),
                ("from_email", models.CharField(help_text="The sender, as the From header shows it.", max_length=254)),
                ("subject", models.CharField(help_text="Subject line.", max_length=255)),
                ("text_body", models.TextField(help_text="The plain-text body.")),
                ("html_body", models.TextField(blank=True, help_text="The HTML body, if there is one.")),
                (
                    "headers",
                    models.JSONField(blank=True, default=dict, help_text="Extra headers, e.g. List-Unsubscribe."),
                ),
                (
                    "dedupe_key",
                    models.CharField(
                        blank=True,
                        help_text="Set for scheduled emails (e.g. digest:<user>:<week>) so each is sent once however often the command runs.",
                        max_length=120,
                        null=True,
                        unique=True,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                        ],
                        db_index=True,
                        default="pending",
                        help_text="Pending (waiting or between retries), sending, sent, or failed after its last try.",
                        max_length=8,
                    ),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(default=0, help_text="How many times sending has been tried."),
                ),
                (
                    "last_error",
                    models.TextField(blank=True, help_text="What the mail server said the last time it failed."),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, help_text="When the email was queued."),
                ),
                (
                    "last_attempt_at",
                    models.DateTimeField(blank=True, help_text="When sending was last tried.", null=True),
                ),
                (
                    "next_attempt_at",
                    models.DateTimeField(blank=True, help_text="When the next try is due, if one is.", null=True),
                ),
                ("sent_at", models.DateTimeField(blank=True, help_text="When the mail server accepted it.", null=True)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="The portal user the email is for, if it is for one.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "outgoing email",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["status", "-created_at"], name="outgoing_email_status_idx")],
            },
        ),
    ]
