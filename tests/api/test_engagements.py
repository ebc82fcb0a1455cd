"""Engagements through the API: who reads, who writes, private notes, shared validation, 409 on stale writes."""

import datetime

import pytest
from django.utils import timezone

from engagements.api.engagements import ADVISER_NOT_YOURS
from engagements.models import (
    DATE_TOO_FAR_AHEAD,
    FOLLOW_UP_BEFORE_DATE,
    HOURS_NEGATIVE,
    Engagement,
)
from engagements.services import ALREADY_ARCHIVED, STALE_VERSION

pytestmark = pytest.mark.django_db
LIST = "/api/v1/engagements/"


def detail(engagement):
    return f"{LIST}{engagement.pk}/"


def new_engagement(**extra):
    return {"council": "E06000001", "date": "2020-06-03", "kind": "call", "channel": "phone", **extra}


def notes_by_id(response):
    return {row["id"]: row["private_notes"] for row in response.json()["results"]}


def test_anonymous_readers_are_refused(api, engagements):
    assert api.get(LIST).status_code == 401
    assert api.get(detail(engagements[0])).status_code == 401


def test_catalogue_editors_cannot_read_engagements(client_for, make_user, engagements):
    assert client_for(make_user("editor")).get(LIST).status_code == 403


def test_analysts_read_every_engagement_but_no_private_notes(client_for, analyst, engagements):
    response = client_for(analyst).get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert set(notes_by_id(response).values()) == {""}


def test_analysts_write_nothing(client_for, analyst, engagements):
    client = client_for(analyst)
    assert client.post(LIST, new_engagement(adviser=engagements[0].adviser_id)).status_code == 403
    assert client.patch(detail(engagements[0]), {"summary": "x", "version": 1}).status_code == 403
    assert client.delete(detail(engagements[0])).status_code == 403


def test_advisers_read_all_and_see_only_their_own_private_notes(client_for, advisers, engagements):
    pat, sam = advisers
    notes = notes_by_id(client_for(pat.user).get(LIST))
    assert len(notes) == 3
    assert notes[engagements[0].pk] == "Pat's private note"
    assert notes[engagements[2].pk] == ""  # Sam's note is not Pat's to read
    assert client_for(pat.user).get(detail(engagements[2])).json()["private_notes"] == ""


def test_managers_see_every_private_note(client_for, manager, engagements):
    notes = notes_by_id(client_for(manager).get(LIST))
    assert notes[engagements[2].pk] == "Sam's private note"


def test_private_notes_cannot_be_found_by_filtering_or_csv(client_for, advisers, engagements):
    pat, _ = advisers
    csv = b"".join(client_for(pat.user).get(LIST, {"format": "csv"}).streaming_content).decode()
    assert "Pat's private note" in csv and "Sam's private note" not in csv
    feed = client_for(pat.user).get(f"{LIST}feed/").json()["results"]
    assert "Sam's private note" not in str(feed)


def test_an_adviser_logs_an_engagement_for_themselves(client_for, advisers):
    pat, _ = advisers
    response = client_for(pat.user).post(
        LIST, new_engagement(offers=[], themes=["leadership"], private_notes="Mine", hours="1.5"), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["adviser"] == pat.pk and body["version"] == 1 and body["themes"] == ["leadership"]
    assert body["private_notes"] == "Mine" and response["Location"] == body["url"]
    engagement = Engagement.objects.get(pk=body["id"])
    assert engagement.created_by == pat.user and engagement.history.count() == 1


def test_an_adviser_cannot_log_as_someone_else(client_for, advisers):
    pat, sam = advisers
    response = client_for(pat.user).post(LIST, new_engagement(adviser=sam.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"adviser": [ADVISER_NOT_YOURS]}


def test_a_manager_logs_for_any_adviser(client_for, manager, advisers):
    _, sam = advisers
    response = client_for(manager).post(LIST, new_engagement(adviser=sam.pk), format="json")
    assert response.status_code == 201 and response.json()["adviser"] == sam.pk


@pytest.mark.parametrize(
    "values, field, message",
    [
        (
            {"date": (timezone.localdate() + datetime.timedelta(days=400)).isoformat()},
            "date",
            DATE_TOO_FAR_AHEAD,
        ),
        ({"follow_up_on": "2020-06-01"}, "follow_up_on", FOLLOW_UP_BEFORE_DATE),
        ({"hours": "-1"}, "hours", HOURS_NEGATIVE),
        ({"council": "E07000026", "date": "2023-05-01"}, "council", None),
        ({"council": "E99999999"}, "council", None),
        ({"kind": "seance"}, "kind", None),
        ({"council": None}, "council", None),
    ],
)
def test_writes_validate_as_the_workspace_forms_do(client_for, advisers, values, field, message):
    pat, _ = advisers
    response = client_for(pat.user).post(LIST, new_engagement(**values), format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert list(body["errors"]) == [field] and field in body["detail"]
    if message:
        assert body["errors"][field] == [message]
    assert not Engagement.objects.exists()


def test_an_abolished_council_after_abolition_gives_the_models_message(client_for, advisers):
    pat, _ = advisers
    response = client_for(pat.user).post(LIST, new_engagement(council="E07000026", date="2023-05-01"), format="json")
    assert response.json()["errors"]["council"] == [
        "Allerdale was abolished on 1 April 2023 and replaced by Cumberland; choose Cumberland for later engagements."
    ]


def test_an_update_with_the_current_version_is_saved(client_for, advisers, engagements):
    pat, _ = advisers
    response = client_for(pat.user).patch(
        detail(engagements[0]), {"summary": "Follow-up agreed", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "Follow-up agreed" and response.json()["version"] == 2


def test_a_stale_update_is_409_with_what_changed(client_for, advisers, engagements):
    pat, _ = advisers
    client = client_for(pat.user)
    client.patch(detail(engagements[0]), {"summary": "First change", "version": 1}, format="json")
    response = client.patch(detail(engagements[0]), {"summary": "Second change", "version": 1}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == STALE_VERSION and body["current_version"] == 2
    assert {"field": "Summary", "was": "Budget worries", "now": "First change"} in body["changes"]
    assert Engagement.objects.get(pk=engagements[0].pk).summary == "First change"


def test_an_update_without_a_version_is_refused(client_for, advisers, engagements):
    pat, _ = advisers
    response = client_for(pat.user).patch(detail(engagements[0]), {"summary": "x"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


def test_advisers_cannot_change_another_advisers_engagement(client_for, advisers, engagements):
    pat, _ = advisers
    response = client_for(pat.user).patch(detail(engagements[2]), {"summary": "x", "version": 1}, format="json")
    assert response.status_code == 403


def test_deleting_archives_and_the_engagement_leaves_the_list(client_for, advisers, engagements):
    pat, _ = advisers
    client = client_for(pat.user)
    assert client.delete(detail(engagements[0])).status_code == 204
    assert engagements[0].pk not in notes_by_id(client.get(LIST))
    archived = client.get(detail(engagements[0])).json()
    assert archived["archived_at"] is not None
    response = client.patch(detail(engagements[0]), {"summary": "x", "version": archived["version"]}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"non_field_errors": [ALREADY_ARCHIVED]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"council": "E06000001"}, {0, 1}),
        ({"council": ["E06000001", "E08000003"]}, {0, 1, 2}),
        ({"region": "north-west"}, {2}),
        ({"kind": "ceo_meeting"}, {1}),
        ({"channel": "video"}, {1}),
        ({"date_from": "2020-07-01", "date_to": "2020-10-31"}, {2}),
        ({"status": "planned"}, set()),
        ({"theme": "peer-support"}, {0}),
    ],
)
def test_filters(client_for, analyst, engagements, query, expected):
    response = client_for(analyst).get(LIST, query)
    assert response.status_code == 200, response.json()
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {engagements[i].pk for i in expected}


def test_filter_by_offer_and_adviser(client_for, analyst, advisers, engagements):
    pat, _ = advisers
    offer = engagements[0].offers.get()
    client = client_for(analyst)
    assert [r["id"] for r in client.get(LIST, {"offer": offer.slug}).json()["results"]] == [engagements[0].pk]
    assert {r["id"] for r in client.get(LIST, {"adviser": pat.pk}).json()["results"]} == {
        engagements[0].pk,
        engagements[1].pk,
    }


def test_the_location_of_a_new_engagement_is_a_plain_absolute_address(client_for, advisers):
    pat, _ = advisers
    response = client_for(pat.user).post(LIST, new_engagement(), format="json")
    assert response.status_code == 201
    location = response["Location"]
    assert type(location) is str  # noqa: E721 - a str subclass is what WSGI servers refuse
    assert location == response.json()["url"] and location.startswith("http://testserver/api/v1/engagements/")


def test_logging_through_a_real_wsgi_server_answers_201_and_saves_once(seeded_live_server, advisers):
    """The development server (wsgiref) refuses a header value that is not exactly a str, answering
    500 after the engagement was saved; a client retrying on that 500 would log it twice."""
    import json
    import urllib.request

    from lga_portal.api.tokens import api_token_create

    pat, _ = advisers
    _, key = api_token_create(user=pat.user, name="tests", days=30)
    request = urllib.request.Request(
        seeded_live_server.url + LIST,
        data=json.dumps(new_engagement(summary="Through a real server")).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        body = json.loads(response.read())
        assert response.headers["Location"] == body["url"] == f"{seeded_live_server.url}{LIST}{body['id']}/"
    assert list(Engagement.objects.values_list("summary", flat=True)) == ["Through a real server"]
