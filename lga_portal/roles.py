"""The portal's roles as Django groups, and the permissions each holds.

Least privilege: each group gets only what its members' work needs. ``sync_roles`` is
idempotent and is run by a data migration; run it again when models are added.
"""

from django.apps import apps as global_apps

PRINCIPAL_ADVISERS = "Principal advisers"
ANALYSTS = "Analysts"
CATALOGUE_EDITORS = "Catalogue editors"
MANAGERS = "Managers"

CATALOGUE_MODELS = [
    "offers.offer",
    "offers.offertoreview",
    "offers.offeritem",
    "offers.publication",
    "offers.theme",
    "offers.audience",
    "offers.format",
    "offers.source",
    # What staff teach the catalogue search.
    "offers.synonym",
    "offers.bestbet",
]
# Searches that found nothing: read and cleared by the catalogue's editors, never written by hand.
SEARCH_LOG_MODELS = ["offers.zeroresultsearch"]
REGISTER_MODELS = ["engagements.region", "engagements.council", "engagements.adviser", "engagements.contactrole"]
METRICS_MODELS = [
    "metrics.survey",
    "metrics.surveyround",
    "metrics.measure",
    "metrics.result",
    "metrics.indicator",
    "metrics.observation",
]
WORK_MODELS = ["engagements.engagement", "engagements.supportrequest"]
INTELLIGENCE_MODELS = ["engagements.suggestiondismissal"]
ALL_MODELS = CATALOGUE_MODELS + REGISTER_MODELS + METRICS_MODELS + WORK_MODELS + INTELLIGENCE_MODELS


def _perms(models: list[str], actions: list[str]) -> list[str]:
    return [f"{m.split('.')[0]}.{action}_{m.split('.')[1]}" for m in models for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    PRINCIPAL_ADVISERS: [
        *_perms(["engagements.engagement"], ["view", "add", "change"]),
        *_perms(["engagements.supportrequest"], ["view", "change"]),
        *_perms(INTELLIGENCE_MODELS, ["view", "add"]),
        *_perms(["engagements.council", "engagements.adviser", "engagements.contactrole"], ["view"]),
    ],
    ANALYSTS: _perms(ALL_MODELS, ["view"]),
    CATALOGUE_EDITORS: [
        *_perms(CATALOGUE_MODELS, ["view", "add", "change", "delete"]),
        *_perms(SEARCH_LOG_MODELS, ["view", "delete"]),
    ],
    MANAGERS: [
        *_perms(WORK_MODELS, ["view", "add", "change"]),
        *_perms(INTELLIGENCE_MODELS, ["view", "add", "delete"]),
        *_perms(REGISTER_MODELS + METRICS_MODELS, ["view", "add", "change", "delete"]),
        *_perms(CATALOGUE_MODELS + SEARCH_LOG_MODELS, ["view"]),
        "engagements.view_private_notes",
        "engagements.manage_all_councils",
        "engagements.import_engagements",
        # The outbox: see what was sent or failed and retry it; watch the background worker's tasks.
        "engagements.view_outgoingemail",
        "engagements.change_outgoingemail",
        "django_tasks_database.view_dbtaskresult",
    ],
}


def sync_roles(apps=global_apps, using: str = "default") -> None:
    """Create the role groups and set each one's permissions to exactly its list."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps, using=using)
        finally:
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = (
                Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            )
            if permission is None:
                # A migration run before the model existed: the run after migrate adds it.
                if apps is global_apps:
                    raise LookupError(f"No permission {dotted} for the {group_name} role")
                continue
            wanted.append(permission)
        group.permissions.set(wanted)
