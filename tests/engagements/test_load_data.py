"""The benchmarks' data generator: labelled load data on top of the reference data, removable again."""

import pytest
from django.core.management import call_command

from engagements.models import Adviser, Engagement
from offers.models import Offer

# Not inside a test transaction: on PostgreSQL the command ends with VACUUM, which cannot run in one.
pytestmark = pytest.mark.django_db(transaction=True)


def test_load_data_is_added_deterministically_and_cleared_again():
    before = Engagement.objects.count()
    call_command("generate_load_data", engagements=40, offers=3, advisers=2, seed=7)
    load = Engagement.objects.filter(import_key__startswith="load:")
    assert load.count() == 40 and Engagement.objects.count() == before + 40
    assert Offer.objects.filter(title__startswith="Load offer").count() == 3
    first = sorted(load.values_list("council_id", "date", "kind"))
    call_command("generate_load_data", engagements=40, offers=3, advisers=2, seed=7, clear=True)
    assert (
        sorted(Engagement.objects.filter(import_key__startswith="load:").values_list("council_id", "date", "kind"))
        == first
    )
    assert Adviser.objects.filter(name__startswith="Load adviser").count() == 2
