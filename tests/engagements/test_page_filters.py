"""The pages' filters (``lga_portal.filters``): a FilterSet narrowed to the filters a page reads
filters as the whole set does, and the drop-downs write the HTML of Django's own select."""

import pytest
from django import forms
from django.http import QueryDict

from engagements.filters import CouncilFilter, EngagementFilter
from engagements.models import Council, Engagement
from lga_portal.filters import OneOf
from tests.factories import EngagementFactory

pytestmark = pytest.mark.django_db


def test_a_filterset_narrowed_to_some_filters_filters_as_the_whole_set_and_shows_only_those(
    rf, alice, bob, hartlepool, stockton
):
    EngagementFactory(council=hartlepool, adviser=alice.adviser)
    EngagementFactory(council=hartlepool, adviser=bob.adviser)
    EngagementFactory(council=Council.objects.get(gss_code="E09000001"), adviser=alice.adviser)
    request = rf.get("/")
    scope = f"region=north-east&adviser={alice.adviser.pk}"
    narrowed = EngagementFilter.only("region", "adviser")
    assert narrowed is EngagementFilter.only("region", "adviser")
    page = narrowed.for_page(QueryDict(scope), Engagement.objects.all(), request=request)
    assert list(page.form.fields) == ["region", "adviser"]
    whole = EngagementFilter.for_page(QueryDict(scope), Engagement.objects.all(), request=request)
    assert set(page.qs) == set(whole.qs) == set(Engagement.objects.filter(council=hartlepool, adviser=alice.adviser))
    # A filter the narrowed set does not have is not applied.
    assert set(narrowed.for_page(QueryDict("status=cancelled"), Engagement.objects.all(), request=request).qs) == set(
        Engagement.objects.all()
    )
    # A value that does not parse is ignored and shown beside its field, as in the whole set.
    councils = CouncilFilter.only("region").for_page(
        QueryDict("region=atlantis"), Council.objects.all(), request=request
    )
    assert councils.qs.count() == Council.objects.count() and "region" in councils.errors
    # The page's choices still apply to a field the narrowed set keeps: advisers in post.
    bob.adviser.is_active = False
    bob.adviser.save()
    form = CouncilFilter.only("adviser").for_page(QueryDict(), Council.objects.all(), request=request).form
    assert alice.adviser in form.fields["adviser"].queryset and bob.adviser not in form.fields["adviser"].queryset


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        ([("1", "One & <b>only</b>"), ("2", "Two")], ["2"], {"id": "id_x", "class": "govuk-select"}),
        ([("1", "One"), ("2", "Two"), ("3", "Three")], ["1", "3"], {"aria-describedby": 'x-hint "quoted"'}),
        ([("Group", [("1", "One"), ("2", "Two")]), ("3", "Three")], ["2"], {"disabled": True, "hidden": False}),
        ([], [], {}),
    ],
)
def test_a_drop_down_writes_the_html_of_djangos_select(choices, value, attrs):
    widget = OneOf("Any <value>")
    widget.choices = choices
    assert widget.render("x", value, dict(attrs)) == forms.Select.render(widget, "x", value, dict(attrs))
