"""The permission walk: every workspace URL and every admin changelist and add page, as each
role, with the answer each should get (sign-in redirect, 403 or 200)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from lga_portal import roles
from tests.factories import EngagementFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"

# Who is asking: the owner is the principal adviser of the council the objects belong to.
IDENTITIES = ["anonymous", "owner", "other_adviser", "analyst", "editor", "manager"]

EVERYONE_IN_WORKSPACE = {"owner": 200, "other_adviser": 200, "manager": 200}
OWNER_OR_MANAGER = {"owner": 200, "other_adviser": 403, "manager": 200}
MANAGER_ONLY = {"owner": 403, "other_adviser": 403, "manager": 200}
# Those who read engagements, analysts too (who are sent there from the dashboard).
DATA_READERS = {"owner": 200, "other_adviser": 200, "analyst": 200, "manager": 200}

# url name, arguments (names of objects made below), who gets 200 (everyone else signed in: 403).
WORKSPACE_PAGES = [
    ("workspace:dashboard", [], {**EVERYONE_IN_WORKSPACE, "analyst": 302}),
    ("workspace:data_and_api", [], DATA_READERS),
    ("workspace:engagement_list", [], EVERYONE_IN_WORKSPACE),
    ("workspace:engagement_export", [], EVERYONE_IN_WORKSPACE),
    ("workspace:engagement_new", [], EVERYONE_IN_WORKSPACE),
    ("workspace:engagement_import", [], MANAGER_ONLY),
    ("workspace:engagement_import_example", [], EVERYONE_IN_WORKSPACE),
    ("workspace:engagement_detail", ["engagement"], EVERYONE_IN_WORKSPACE),
    ("workspace:engagement_edit", ["engagement"], OWNER_OR_MANAGER),
    ("workspace:engagement_archive", ["engagement"], OWNER_OR_MANAGER),
    ("workspace:council_timeline", ["council"], EVERYONE_IN_WORKSPACE),
    ("workspace:request_list", [], EVERYONE_IN_WORKSPACE),
    ("workspace:request_detail", ["request"], OWNER_OR_MANAGER),
    ("workspace:request_close", ["request"], OWNER_OR_MANAGER),
    ("workspace:request_convert", ["request"], OWNER_OR_MANAGER),
    ("workspace:engagement_calendar", ["engagement"], EVERYONE_IN_WORKSPACE),
    ("workspace:notification_settings", [], EVERYONE_IN_WORKSPACE),
]
WORKSPACE_POSTS = [
    ("workspace:request_acknowledge", ["request"], {"owner": 302, "other_adviser": 403, "manager": 302}),
    # No reason given: the council page again, with the error (the adviser's own councils only).
    ("workspace:suggestion_dismiss", ["council"], {"owner": 200, "other_adviser": 403, "manager": 200}),
    ("workspace:calendar_reset", [], {"owner": 302, "other_adviser": 302, "manager": 302}),
]


@pytest.fixture
def world(alice, bob, make_user, hartlepool):
    engagement = EngagementFactory(council=hartlepool, adviser=alice.adviser, summary="Budget call")
    support_request = SupportRequestFactory(council=hartlepool)
    users = {
        "anonymous": None,
        "owner": alice,
        "other_adviser": bob,
        "analyst": make_user("analyst"),
        "editor": make_user("editor"),
        "manager": make_user("manager"),
    }
    objects = {"engagement": engagement.pk, "council": hartlepool.slug, "request": support_request.reference}
    return users, objects


def answer(client, users, identity, method, url):
    client.logout()
    if users[identity] is not None:
        client.force_login(users[identity])
    return getattr(client, method)(url)


def expected_workspace(identity: str, allowed: dict[str, int]) -> int:
    if identity == "anonymous":
        return 302
    return allowed.get(identity, 403)


@pytest.mark.parametrize("name,args,allowed", WORKSPACE_PAGES, ids=[p[0] for p in WORKSPACE_PAGES])
def test_workspace_pages(client, world, name, args, allowed):
    users, objects = world
    url = reverse(name, args=[objects[a] for a in args])
    got = {}
    for identity in IDENTITIES:
        response = answer(client, users, identity, "get", url)
        got[identity] = response.status_code
        if identity == "anonymous":
            assert response["Location"].startswith(LOGIN + "?next=")
        elif response.status_code == 302:
            assert response["Location"] == reverse("workspace:data_and_api")  # an analyst's landing page
    assert got == {identity: expected_workspace(identity, allowed) for identity in IDENTITIES}


@pytest.mark.parametrize("name,args,allowed", WORKSPACE_POSTS, ids=[p[0] for p in WORKSPACE_POSTS])
def test_workspace_actions(client, world, name, args, allowed):
    users, objects = world
    url = reverse(name, args=[objects[a] for a in args])
    got = {identity: answer(client, users, identity, "post", url).status_code for identity in IDENTITIES}
    assert got == {identity: expected_workspace(identity, allowed) for identity in IDENTITIES}


def test_every_workspace_url_is_walked():
    from engagements import workspace_urls

    walked = {name.split(":")[1] for name, _, _ in WORKSPACE_PAGES + WORKSPACE_POSTS}
    assert walked == {pattern.name for pattern in workspace_urls.urlpatterns}


# --- Admin ---------------------------------------------------------------------------------

ROLE_GROUPS = {
    "owner": roles.PRINCIPAL_ADVISERS,
    "analyst": roles.ANALYSTS,
    "editor": roles.CATALOGUE_EDITORS,
    "manager": roles.MANAGERS,
}
STAFF = {"editor", "manager"}  # only they may use the admin at all


# Support requests come only from the public form (its spam checks, its email to the adviser).
# The review queue lists existing offers; offers are added on their own admin page.
NEVER_ADDED_IN_ADMIN = {"engagements.supportrequest", "offers.offertoreview"}


def expected_admin(identity: str, label: str, action: str) -> int:
    """From the role table in lga_portal/roles.py: a changelist needs view or change, add needs add."""
    if identity not in STAFF:
        return 302
    if action == "add" and label in NEVER_ADDED_IN_ADMIN:
        return 403
    perms = set(roles.ROLE_PERMISSIONS[ROLE_GROUPS[identity]])
    app_label, model = label.split(".")
    needed = {"changelist": ["view", "change"], "add": ["add"]}[action]
    return 200 if any(f"{app_label}.{p}_{model}" in perms for p in needed) else 403


ADMIN_PAGES = [
    (model._meta.label_lower, action)
    for model in admin.site._registry
    for action in ("changelist", "add")
    if not (action == "add" and model._meta.app_label == "axes")  # axes records are never added by hand
]


@pytest.mark.parametrize("label,action", ADMIN_PAGES, ids=[f"{label}-{action}" for label, action in ADMIN_PAGES])
def test_admin_pages(client, world, label, action):
    users, _ = world
    app_label, model = label.split(".")
    url = reverse(f"admin:{app_label}_{model}_{action}")
    got = {}
    for identity in IDENTITIES:
        response = answer(client, users, identity, "get", url)
        got[identity] = response.status_code
        if response.status_code == 302:
            assert response["Location"].startswith(ADMIN_LOGIN)
    expected = {i: expected_admin(i if i != "other_adviser" else "owner", label, action) for i in IDENTITIES}
    assert got == expected


def test_the_admin_table_says_what_the_design_brief_says():
    """Spot checks of the derived expectations against the brief's role table."""
    assert expected_admin("editor", "offers.offer", "add") == 200
    assert expected_admin("editor", "engagements.engagement", "changelist") == 403
    assert expected_admin("manager", "engagements.council", "add") == 200
    assert expected_admin("manager", "offers.offer", "changelist") == 200
    assert expected_admin("manager", "offers.offer", "add") == 403
    assert expected_admin("manager", "auth.user", "changelist") == 403
    assert expected_admin("analyst", "engagements.engagement", "changelist") == 302
    assert expected_admin("manager", "engagements.engagement", "add") == 200
    assert expected_admin("manager", "engagements.supportrequest", "add") == 403
