"""A council's suggested offers, ranked, each with the sentence saying why: /api/v1/councils/<code>/suggestions/."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from engagements.intelligence import suggestions_for_council
from engagements.permissions import can_view_engagements


class ReadsEngagements(permissions.BasePermission):
    """Suggestions are drawn from the council's engagements: for those who may read engagements."""

    def has_permission(self, request, view):
        return can_view_engagements(request.user)


class SuggestionSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1 for the strongest suggestion.")
    offer = serializers.CharField(source="suggestion.offer.slug", help_text="Offer slug.")
    offer_title = serializers.CharField(source="suggestion.offer.title", help_text="Offer title.")
    theme = serializers.CharField(source="suggestion.offer.theme.slug", help_text="The offer's theme (slug).")
    theme_name = serializers.CharField(source="suggestion.offer.theme.name", help_text="The offer's theme.")
    reason = serializers.ChoiceField(
        source="suggestion.reason",
        choices=["open_need", "new_offer", "similar_councils"],
        help_text="`open_need`: a need raised and not met; `new_offer`: newly launched in a theme the council "
        "raised or asked about; `similar_councils`: taken up by councils of the same kind (same region first).",
    )
    why = serializers.CharField(source="suggestion.why", help_text="One sentence saying why, drawn from the record.")


class CouncilSuggestionsMixin:
    """Adds ``suggestions`` to the councils viewset (looked up by GSS code: an unknown code is 404)."""

    @extend_schema(
        summary="Suggested offers for a council",
        description="Offers to put to the council, strongest first, each with one sentence saying why: needs it "
        "raised that no offer has met, offers newly launched in a theme it asked about, and what similar councils "
        "took up in the last year. Never an offer it took up, asked for in an open request, or that an adviser "
        "dismissed for it, nor one that is not published and available. An abolished council has none (its "
        "successor has). For principal advisers, managers and analysts.",
        responses=SuggestionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], permission_classes=[ReadsEngagements], pagination_class=None)
    def suggestions(self, request, *args, **kwargs):
        council = self.get_object()
        rows = suggestions_for_council(council, today=timezone.localdate())
        data = [{"rank": i, "suggestion": s} for i, s in enumerate(rows, 1)]
        return Response(SuggestionSerializer(data, many=True).data)
