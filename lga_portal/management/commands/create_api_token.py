"""Create an API token for a user or a service account and print its key (shown this once only)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lga_portal import roles
from lga_portal.api.tokens import api_token_create, max_lifetime_days

ROLE_NAMES = [roles.ANALYSTS, roles.PRINCIPAL_ADVISERS, roles.CATALOGUE_EDITORS, roles.MANAGERS]


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print the key. With --create-user, first create USERNAME as a "
        "service account (no password, so it cannot sign in to the site) in the role given by --role."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the token acts as.")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. 'Power BI refresh'.")
        parser.add_argument(
            "--days", type=int, default=365, help=f"How long it works, 1 to {max_lifetime_days()} (default 365)."
        )
        parser.add_argument("--create-user", action="store_true", help="Create the user as a service account.")
        parser.add_argument(
            "--role",
            default=roles.ANALYSTS,
            choices=ROLE_NAMES,
            help=f"Role of a new service account (default {roles.ANALYSTS!r}: read everything, write nothing).",
        )

    @transaction.atomic
    def handle(self, *args, username, name, days, create_user, role, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not create_user:
                raise CommandError(f"There is no user {username!r}; pass --create-user to make a service account.")
            user = User(username=username)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
            self.stderr.write(f"Created service account {username!r} in {role!r}.")
        elif create_user:
            raise CommandError(f"The user {username!r} already exists; leave out --create-user.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive; a token for them would not work.")
        try:
            token, key = api_token_create(user=user, name=name, days=days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f"Token {token.name!r} for {username!r}, working until {token.expires_at:%Y-%m-%d %H:%M %Z}. "
            "Store the key now: it cannot be shown again."
        )
        self.stdout.write(key)
