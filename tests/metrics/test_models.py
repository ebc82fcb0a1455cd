"""Survey and indicator rules enforced by the models and the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from metrics.models import PERCENT_OUT_OF_RANGE, Measure, Observation, Result, Survey, SurveyRound
from offers.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round():
    survey = Survey.objects.create(name="Test survey", slug="test-survey")
    measure = Measure.objects.create(survey=survey, name="Happy", slug="happy")
    round_ = SurveyRound.objects.create(survey=survey, number=1, label="Jan-24", period=datetime.date(2024, 1, 1))
    return round_, measure


@pytest.mark.parametrize("percent", [Decimal("-0.5"), Decimal("100.01")])
def test_percent_outside_0_to_100_is_refused(survey_round, percent):
    round_, measure = survey_round
    with pytest.raises(ValidationError) as error:
        Result(round=round_, measure=measure, percent=percent).full_clean()
    assert PERCENT_OUT_OF_RANGE in error.value.message_dict["percent"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(round=round_, measure=measure, percent=percent)


def test_one_result_per_round_and_measure(survey_round):
    round_, measure = survey_round
    Result.objects.create(round=round_, measure=measure, percent=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(round=round_, measure=measure, percent=60)


def test_round_numbers_are_unique_per_survey(survey_round):
    round_, _ = survey_round
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyRound.objects.create(survey=round_.survey, number=1, label="again", period=datetime.date(2024, 2, 1))


def test_measure_must_belong_to_the_rounds_survey(survey_round):
    round_, _ = survey_round
    other = Measure.objects.exclude(survey=round_.survey).first()
    with pytest.raises(ValidationError):
        Result(round=round_, measure=other, percent=10).full_clean()


def test_one_observation_per_indicator_and_date():
    observation = Observation.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            indicator=observation.indicator, date=observation.date, value=1, source=Source.objects.first()
        )
