"""Importing survey rounds from CSV: all or nothing, and every problem listed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from metrics import survey_import as messages
from metrics.models import Result, Survey, SurveyRound
from metrics.services import SurveyImportRefused, survey_rounds_import
from offers.models import Source

pytestmark = pytest.mark.django_db
UPLOAD_URL = "/metrics/surveys/resident-satisfaction/import/"

GOOD = (
    "round,label,period,fieldwork_start,fieldwork_end,sample_size,trusts-council,Feel well informed about council's services and benefits\n"
    "28,Feb-21,2021-02-15,2021-02-05,2021-02-08,1003,66,62.5%\n"
    "29,Jun-21,2021-06-01,,,,67,\n"
)


@pytest.fixture
def survey():
    return Survey.objects.get(slug="resident-satisfaction")


def counts():
    return SurveyRound.objects.count(), Result.objects.count()


def test_a_clean_file_is_imported(survey):
    rounds = survey_rounds_import(survey=survey, content=GOOD.encode())
    assert [r.number for r in rounds] == [28, 29]
    feb = SurveyRound.objects.get(survey=survey, number=28)
    assert (feb.label, feb.period.isoformat(), feb.sample_size) == ("Feb-21", "2021-02-01", 1003)
    assert feb.fieldwork_start.isoformat() == "2021-02-05"
    figures = {r.measure.slug: str(r.percent) for r in feb.results.select_related("measure")}
    # The name column matched "Feel well informed about council’s services…" despite the straight apostrophe.
    assert figures == {"trusts-council": "66.00", "well-informed": "62.50"}
    assert SurveyRound.objects.get(survey=survey, number=29).results.count() == 1


def test_every_problem_is_listed_and_nothing_is_imported(survey):
    before = counts()
    content = (
        b"round,label,period,trusts-council,happiness,value-for-money\n"
        b"28,Feb-21,2021-02-01,104,50,49\n"  # percentage above 100
        b"27,Oct-20,2020-10-01,64,50,53\n"  # round 27 exists already
        b"30,Mar-21,2021-03-01,60,50,-1\n"  # below 0
        b"30,Mar-21,21/03/2021,sixty,50,50\n"  # duplicate round in the file, bad date, not a number
        b"31,,2021-04-01,60,50,50\n"  # no label
    )
    with pytest.raises(SurveyImportRefused) as refused:
        survey_rounds_import(survey=survey, content=content)
    assert refused.value.errors == [
        messages.UNKNOWN_MEASURE.format(
            column="happiness",
            survey=survey.name,
            measures="satisfied-with-local-area, satisfied-with-council, trusts-council, well-informed, "
            "acts-on-concerns, value-for-money",
        ),
        messages.PERCENT_OUT_OF_RANGE.format(row=2, measure="Trusts the council", value="104"),
        messages.ROUND_EXISTS.format(row=3, number=27, survey=survey.name),
        messages.PERCENT_OUT_OF_RANGE.format(row=4, measure="Agree council provides value for money", value="-1"),
        messages.ROUND_DUPLICATE_IN_FILE.format(row=5, number=30, first_row=4),
        messages.DATE_INVALID.format(row=5, column="period", value="21/03/2021"),
        messages.PERCENT_INVALID.format(row=5, measure="Trusts the council", value="sixty"),
        messages.LABEL_MISSING.format(row=6),
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", messages.FILE_EMPTY),
        (b"\xff\xfe\x00r\x00o", messages.FILE_NOT_UTF8),
        (b"label,period,trusts-council\nFeb-21,2021-02-01,60\n", messages.MISSING_COLUMNS.format(columns="round")),
        (b"round,label,period\n28,Feb-21,2021-02-01\n", messages.NO_MEASURE_COLUMNS),
        (b"round,label,period,trusts-council\n", messages.NO_ROUNDS),
        (
            b"round,label,period,trusts-council,Trusts the council\n28,Feb-21,2021-02-01,60,60\n",
            messages.DUPLICATE_MEASURE.format(first="trusts-council", second="Trusts the council"),
        ),
        (
            b"round,label,period,trusts-council\n28,Feb-21,2021-02-01\n",
            messages.ROW_LENGTH.format(row=2, found=3, expected=4),
        ),
        (
            b"round,label,period,trusts-council\n28,Feb-21,2021-02-01,60.555\n",
            messages.PERCENT_TOO_PRECISE.format(row=2, measure="Trusts the council", value="60.555"),
        ),
        (
            b"round,label,period,sample_size,trusts-council\n28,Feb-21,2021-02-01,0,60\n",
            messages.SAMPLE_SIZE_INVALID.format(row=2, value="0"),
        ),
        (
            b"round,label,period,trusts-council\n28,Feb-21,2021-02-01,\n",
            messages.ROW_WITHOUT_FIGURES.format(row=2, number=28),
        ),
        (
            b"round,label,period,fieldwork_start,fieldwork_end,trusts-council\n28,Feb-21,2021-02-01,2021-02-09,2021-02-01,60\n",
            messages.FIELDWORK_REVERSED.format(row=2),
        ),
    ],
)
def test_refusals(survey, content, message):
    before = counts()
    with pytest.raises(SurveyImportRefused) as refused:
        survey_rounds_import(survey=survey, content=content)
    assert message in refused.value.errors
    assert counts() == before


def test_management_command(survey, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_survey_rounds", "resident-satisfaction", str(good), "--source", "highlights-2020-11", stdout=out
    )
    assert "Imported 2 round(s)" in out.getvalue()
    assert SurveyRound.objects.get(survey=survey, number=28).source.key == "highlights-2020-11"

    bad = tmp_path / "bad.csv"
    bad.write_text("round,label,period,happiness\n28,Feb-21,2021-02-01,101\n", encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_survey_rounds", "resident-satisfaction", str(bad))
    text = str(error.value)
    assert text.startswith("Nothing was imported.")
    assert 'Column "happiness" is not a measure' in text and "round 28 of" in text
    assert counts() == before
    with pytest.raises(CommandError, match='There is no survey "nope"'):
        call_command("import_survey_rounds", "nope", str(good))


def test_upload_page_is_for_staff_who_may_add_rounds(client, make_user):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client.force_login(make_user("adviser"))
    assert client.get(UPLOAD_URL).status_code == 403
    client.force_login(make_user("analyst"))
    assert client.get(UPLOAD_URL).status_code == 403
    client.force_login(make_user("manager"))
    html = client.get(UPLOAD_URL).content.decode()
    assert "Upload new rounds" in html and "<code>trusts-council</code>" in html
    template = client.get(UPLOAD_URL + "template.csv")
    assert template.content.decode().startswith("round,label,period,fieldwork_start,fieldwork_end,sample_size,")


def test_upload_lists_every_problem_and_imports_nothing(client, make_user):
    client.force_login(make_user("manager"))
    before = counts()
    upload = SimpleUploadedFile(
        "rounds.csv", b"round,label,period,happiness,trusts-council\n27,Oct-20,2020-10-01,50,101\n", "text/csv"
    )
    response = client.post(UPLOAD_URL, {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Column &quot;happiness&quot; is not a measure" in html
    assert "Row 2: round 27 of Resident satisfaction with councils already exists" in html
    assert "Row 2, Trusts the council: 101 is not a percentage between 0 and 100." in html
    assert counts() == before


def test_upload_of_a_clean_file(client, make_user):
    client.force_login(make_user("manager"))
    source = Source.objects.get(key="highlights-2020-11")
    response = client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("rounds.csv", GOOD.encode(), "text/csv"), "source": source.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/metrics/surveys/resident-satisfaction/"
    page = client.get(response["Location"]).content.decode()
    assert "Imported 2 round(s) of Resident satisfaction with councils: 28, 29." in page
    assert "Round 29" in page
    assert SurveyRound.objects.get(survey__slug="resident-satisfaction", number=29).source == source
    no_file = client.post(UPLOAD_URL, {})
    assert "Choose a CSV file to upload." in no_file.content.decode()


def test_the_admin_links_to_the_upload_page(client, make_user):
    client.force_login(make_user("manager"))
    html = client.get("/admin/metrics/survey/").content.decode()
    assert f'href="{UPLOAD_URL}">Upload from CSV</a>' in html
