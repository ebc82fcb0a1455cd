"""Demo data, so every page has something to show: advisers, users, engagements, requests.

Everything here is labelled as demo data (names end "(demo)", emails at demo.example) and
is refused with production settings. Engagements and requests are generated from a fixed
random seed, so two runs with the same seed produce the same data.
"""

from __future__ import annotations

import datetime
import random
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from engagements.models import (
    DEMO_IMPORT_PREFIX,
    Adviser,
    Channel,
    ContactRole,
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Region,
    SupportRequest,
    SupportRequestStatus,
)
from engagements.services import engagement_create
from engagements.summaries import summaries_rebuild
from engagements.theme_events import theme_events_rebuild
from lga_portal import roles
from offers.models import Offer, Theme

DEMO_EMAIL_DOMAIN = "demo.example"
START = datetime.date(2020, 1, 1)

# Two advisers for the regions with the most councils, one elsewhere.
ADVISER_NAMES = {
    "north-east": ["Aisha Khan"],
    "north-west": ["Tom Gallagher", "Niamh Doyle"],
    "yorkshire-and-the-humber": ["Priya Sharma"],
    "east-midlands": ["Gareth Hughes"],
    "west-midlands": ["Fatima Begum"],
    "east-of-england": ["James Whitfield", "Chloe Turner"],
    "london": ["Daniel Okafor"],
    "south-east": ["Sophie Bennett", "Rhys Morgan"],
    "south-west": ["Hannah Price"],
}

DEMO_USERS = [
    # username, role group, staff (may use the admin), the person's name
    ("demo-adviser", roles.PRINCIPAL_ADVISERS, False, "Demo Adviser"),
    ("demo-analyst", roles.ANALYSTS, False, "Demo Analyst"),
    ("demo-editor", roles.CATALOGUE_EDITORS, True, "Demo Editor"),
    ("demo-manager", roles.MANAGERS, True, "Demo Manager"),
]

KIND_WEIGHTS = {
    EngagementKind.CALL: 30,
    EngagementKind.CEO_ONE_TO_ONE: 14,
    EngagementKind.CEO_MEETING: 10,
    EngagementKind.QUERY: 14,
    EngagementKind.PEER_SUPPORT: 6,
    EngagementKind.PANEL: 5,
    EngagementKind.COACHING: 7,
    EngagementKind.WORKSHOP: 5,
    EngagementKind.VISIT: 6,
    EngagementKind.OTHER: 3,
}
CHANNEL_BY_KIND = {
    EngagementKind.CALL: [Channel.PHONE, Channel.VIDEO],
    EngagementKind.QUERY: [Channel.EMAIL, Channel.PHONE],
    EngagementKind.VISIT: [Channel.IN_PERSON],
}
SUMMARIES = [
    "Discussed the council's recovery plans and where LGA support could help.",
    "Talked through the medium-term financial plan and in-year pressures.",
    "Follow-up on the recovery and renewal panel; agreed next steps.",
    "New chief executive in post: introductions and the LGA offer.",
    "Answered a query about remote council meetings and governance.",
    "Explored a corporate peer challenge for next year.",
    "Coaching session on leading through change.",
    "Shared good practice on communications with residents.",
    "Reviewed progress on the climate action plan and available support.",
    "Discussed workforce pressures in social care and recruitment.",
]
PRIVATE_NOTES = [
    "Leader and chief executive relationship strained; keep an eye on it.",
    "Section 114 risk raised informally; escalate to finance team if it grows.",
    "Chief executive considering leaving in the spring.",
    "",
    "",
]
REQUEST_MESSAGES = [
    "We would like to discuss how this could work for our council.",
    "Our new leader is keen to take this up before the budget round.",
    "Could someone call me to talk through timings and cost?",
    "We are interested for our senior leadership team.",
]
FIRST_NAMES = ["Sam", "Alex", "Jo", "Chris", "Ravi", "Megan", "Owen", "Leah", "Imran", "Grace", "Ben", "Zara"]
LAST_NAMES = ["Patel", "Jones", "Williams", "Smith", "Brown", "Taylor", "Evans", "Wilson", "Ahmed", "Clarke"]
# Written as the contact roles are (engagements/data/contact_roles.yaml), so a person's role reads
# the same on a request as on the engagement it becomes.
REQUEST_ROLES = [
    "Chief executive",
    "Director of finance (section 151 officer)",
    "Leader of the council",
    "HR director",
    "Head of communications",
    "Other senior officer",
]


def _adviser_email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{DEMO_EMAIL_DOMAIN}"


def demo_name(name: str) -> str:
    """How a demo person is named everywhere: as an adviser, as a user in the history, in exports."""
    return f"{name} (demo)"


def _ensure_user(username: str, group_name: str, is_staff: bool, email: str, name: str) -> tuple[object, str]:
    """The demo user, whose full name is the person's one demo name (``demo_name``)."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
    first, _, last = demo_name(name).partition(" ")
    user.email, user.first_name, user.last_name, user.is_staff = email, first, last, is_staff
    password = secrets.token_urlsafe(12)
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=group_name)])
    return user, password


def load_demo(seed: int = 2020) -> list[str]:
    """Add the demo data; returns lines to print, including the demo users' passwords."""
    rng = random.Random(seed)
    report: list[str] = []
    credentials: list[tuple[str, str, str]] = []

    advisers: list[Adviser] = []
    for region in Region.objects.order_by("code"):
        for name in ADVISER_NAMES.get(region.slug, []):
            username = name.lower().replace(" ", ".")
            user, password = _ensure_user(username, roles.PRINCIPAL_ADVISERS, False, _adviser_email(name), name)
            adviser, _ = Adviser.objects.update_or_create(
                email=_adviser_email(name),
                defaults={
                    "name": demo_name(name),
                    "phone": f"020 7664 {3000 + len(advisers):04d}",
                    "region": region,
                    "user": user,
                },
            )
            advisers.append(adviser)
            credentials.append((username, roles.PRINCIPAL_ADVISERS, password))

    # Share each region's councils (including abolished ones, for history) among its advisers.
    by_region: dict[int, list[Adviser]] = {}
    for adviser in advisers:
        by_region.setdefault(adviser.region_id, []).append(adviser)
    for region_id, region_advisers in by_region.items():
        councils = list(Council.objects.filter(region_id=region_id, adviser__isnull=True).order_by("name"))
        for index, council in enumerate(councils):
            council.adviser = region_advisers[index % len(region_advisers)]
        Council.objects.bulk_update(councils, ["adviser"])

    for username, group, is_staff, name in DEMO_USERS:
        user, password = _ensure_user(username, group, is_staff, f"{username}@{DEMO_EMAIL_DOMAIN}", name)
        credentials.append((username, group, password))
        if group == roles.PRINCIPAL_ADVISERS:
            # The role's demo user is also a demo adviser with councils of their own.
            Adviser.objects.update_or_create(
                email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                defaults={
                    "name": demo_name(name),
                    "phone": "020 7664 3999",
                    "user": user,
                    "region": Region.objects.get(slug="london"),
                },
            )
    demo_adviser = Adviser.objects.get(email=f"demo-adviser@{DEMO_EMAIL_DOMAIN}")
    london = list(Council.objects.filter(region__slug="london").order_by("name")[:12])
    for council in london:
        council.adviser = demo_adviser
    Council.objects.bulk_update(london, ["adviser"])

    if Engagement.objects.demo().exists():
        report.append("Demo engagements and support requests already present; left as they are.")
    else:
        engagements = _make_engagements(rng)
        report.append(f"Demo engagements created: {engagements}")
        report.append(f"Demo support requests created: {_make_requests(rng)}")
        story = _make_needs_story(london[0], demo_adviser) if london else 0
        # The bulk-created rows went in around the services: write their theme events and the
        # monthly summaries now.
        theme_events_rebuild()
        summaries_rebuild()
        if story:
            report.append(f"Support needs met and open for the demo adviser's {london[0].name}: {story} engagements")

    report.append("")
    report.append("Demo users (development only; passwords change on every run):")
    for username, group, password in credentials:
        report.append(f"  {username:<22} {group:<20} password: {password}")
    return report


def _make_engagements(rng: random.Random, count: int = 4000) -> int:
    today = timezone.localdate()
    councils = list(Council.objects.select_related("adviser").order_by("gss_code"))
    roles_ = list(ContactRole.objects.all())
    offers = list(Offer.objects.published().order_by("slug"))
    themes = list(Theme.objects.order_by("slug"))
    fallback = {a.region_id: a for a in Adviser.objects.order_by("id")}
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    span = (today + datetime.timedelta(days=60) - START).days

    rows: list[Engagement] = []
    links: list[tuple[int, list, list, list]] = []
    attempts = 0
    while len(rows) < count and attempts < count * 5:
        attempts += 1
        council = rng.choice(councils)
        day = START + datetime.timedelta(days=rng.randrange(span))
        if not council.existed_on(day):
            continue
        adviser = council.adviser or fallback.get(council.region_id)
        if adviser is None:
            continue
        kind = rng.choices(kinds, weights)[0]
        channel = rng.choice(
            CHANNEL_BY_KIND.get(kind, [Channel.VIDEO, Channel.VIDEO, Channel.IN_PERSON, Channel.PHONE])
        )
        if day > today:
            status = EngagementStatus.PLANNED
        else:
            status = EngagementStatus.CANCELLED if rng.random() < 0.04 else EngagementStatus.COMPLETED
        follow_up = day + datetime.timedelta(days=rng.randint(7, 60)) if rng.random() < 0.3 else None
        rows.append(
            Engagement(
                council=council,
                adviser=adviser,
                date=day,
                kind=kind,
                channel=channel,
                summary=rng.choice(SUMMARIES),
                private_notes=rng.choice(PRIVATE_NOTES),
                follow_up_on=follow_up,
                follow_up_done=bool(
                    follow_up and follow_up < today - datetime.timedelta(days=30) and rng.random() < 0.8
                ),
                hours=Decimal(rng.choice(["1", "1.5", "2"])) if kind == EngagementKind.COACHING else None,
                status=status,
                import_key=f"{DEMO_IMPORT_PREFIX}{len(rows)}",
            )
        )
        links.append(
            (
                len(rows) - 1,
                rng.sample(roles_, rng.randint(1, 2)),
                rng.sample(offers, rng.choice([0, 0, 1, 1, 2])) if offers else [],
                rng.sample(themes, rng.choice([0, 1, 1, 2])) if themes else [],
            )
        )
    Engagement.objects.bulk_create(rows, batch_size=500)
    saved = {e.import_key: e.pk for e in Engagement.objects.demo()}
    role_links, offer_links, theme_links = [], [], []
    for index, role_list, offer_list, theme_list in links:
        pk = saved[rows[index].import_key]
        role_links += [Engagement.roles.through(engagement_id=pk, contactrole_id=r.pk) for r in role_list]
        offer_links += [Engagement.offers.through(engagement_id=pk, offer_id=o.pk) for o in offer_list]
        theme_links += [Engagement.themes.through(engagement_id=pk, theme_id=t.pk) for t in theme_list]
    Engagement.roles.through.objects.bulk_create(role_links, batch_size=1000)
    Engagement.offers.through.objects.bulk_create(offer_links, batch_size=1000)
    Engagement.themes.through.objects.bulk_create(theme_links, batch_size=1000)
    return len(rows)


# A short history for the demo adviser's first council, so its profile shows a need met and needs
# still open (and so suggestions) on a fresh ``make run``: (days ago, theme slug, offer theme slug or None).
NEEDS_STORY = [
    (320, "workforce", None),
    (290, None, "workforce"),
    (200, "housing-and-homelessness", None),
    (60, "financial-resilience", None),
    (12, "financial-resilience", None),
]


def _make_needs_story(council: Council, adviser: Adviser) -> int:
    today = timezone.localdate()
    themes = {t.slug: t for t in Theme.objects.all()}
    made = 0
    for days, need, offer_theme in NEEDS_STORY:
        offer = (
            Offer.objects.published().available().filter(theme__slug=offer_theme).order_by("slug").first()
            if offer_theme
            else None
        )
        if (need and need not in themes) or (offer_theme and offer is None):
            continue
        engagement_create(
            user=adviser.user,
            import_key=f"{DEMO_IMPORT_PREFIX}story:{days}",
            council=council,
            adviser=adviser,
            date=today - datetime.timedelta(days=days),
            kind=EngagementKind.CEO_ONE_TO_ONE if need else EngagementKind.WORKSHOP,
            channel=Channel.IN_PERSON,
            status=EngagementStatus.COMPLETED,
            summary=(
                f"The chief executive raised {themes[need].name.lower()}." if need else f"{offer.title} delivered."
            ),
            themes=[themes[need]] if need else [],
            offers=[offer] if offer else [],
        )
        made += 1
    return made


def _make_requests(rng: random.Random, count: int = 300) -> int:
    now = timezone.now()
    councils = list(Council.objects.active().select_related("adviser").order_by("gss_code"))
    offers = list(Offer.objects.published().available().order_by("slug"))
    if not offers:
        return 0
    made = 0
    for _ in range(count):
        council = rng.choice(councils)
        created = now - datetime.timedelta(days=rng.randrange(0, 6 * 365), hours=rng.randrange(24))
        age_days = (now - created).days
        status = SupportRequestStatus.NEW
        if age_days > 21:
            status = rng.choice(
                [SupportRequestStatus.CLOSED, SupportRequestStatus.CONVERTED, SupportRequestStatus.CONVERTED]
            )
        elif age_days > 5:
            status = rng.choice([SupportRequestStatus.NEW, SupportRequestStatus.ACKNOWLEDGED])
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        request = SupportRequest.objects.create(
            council=council,
            offer=rng.choice(offers),
            name=f"{first} {last} (demo)",
            email=f"{first}.{last}@{council.slug}.{DEMO_EMAIL_DOMAIN}".lower(),
            role=rng.choice(REQUEST_ROLES),
            message=rng.choice(REQUEST_MESSAGES),
            consent=True,
            status=status,
            assigned_adviser=council.adviser,
            acknowledged_at=created + datetime.timedelta(days=2) if status != SupportRequestStatus.NEW else None,
            closed_at=created + datetime.timedelta(days=14)
            if status in (SupportRequestStatus.CLOSED, SupportRequestStatus.CONVERTED)
            else None,
            closed_reason="Council decided not to go ahead this year." if status == SupportRequestStatus.CLOSED else "",
        )
        if status == SupportRequestStatus.CONVERTED and council.adviser:
            request.engagement = Engagement.objects.create(
                council=council,
                adviser=council.adviser,
                date=request.closed_at.date(),
                kind=EngagementKind.CALL,
                channel=Channel.VIDEO,
                summary=f"Call about the request for {request.offer.title}.",
                import_key=f"{DEMO_IMPORT_PREFIX}request:{request.reference}",
            )
            request.engagement.offers.set([request.offer])
            request.save(update_fields=["engagement"])
        SupportRequest.objects.filter(pk=request.pk).update(created_at=created, modified_at=created)
        made += 1
    return made
