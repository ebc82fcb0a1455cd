"""Admin for what staff teach the search: synonyms, best bets, and the searches that found nothing."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html

from lga_portal.http import url_with_query
from offers.search_models import BestBet, Synonym, ZeroResultSearch


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "equivalents_shown", "one_way", "modified_at"]
    list_filter = ["one_way"]
    search_fields = ["term", "equivalents"]
    fields = ["term", "equivalents", "one_way"]

    @admin.display(description="Equivalents")
    def equivalents_shown(self, obj: Synonym) -> str:
        return " · ".join(obj.equivalent_list)


@admin.register(BestBet)
class BestBetAdmin(admin.ModelAdmin):
    list_display = ["query", "offer", "order", "modified_at"]
    list_select_related = ["offer"]
    search_fields = ["query", "offer__title"]
    autocomplete_fields = ["offer"]
    fields = ["query", "offer", "order"]


@admin.register(ZeroResultSearch)
class ZeroResultSearchAdmin(admin.ModelAdmin):
    """Read-only: the catalogue writes it. Each row links to a synonym or best bet started from it."""

    list_display = ["query", "searches", "last_searched_at", "first_searched_at", "handled"]
    search_fields = ["query", "key"]
    date_hierarchy = "last_searched_at"
    ordering = ["-searches", "-last_searched_at"]
    fields = ["query", "searches", "first_searched_at", "last_searched_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_synonym=Exists(Synonym.objects.filter(key=OuterRef("key"))),
                has_best_bet=Exists(BestBet.objects.filter(query=OuterRef("key"))),
            )
        )

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if request.user.has_perm("offers.add_synonym"):
            columns.append("add_synonym")
        if request.user.has_perm("offers.add_bestbet"):
            columns.append("add_best_bet")
        return columns

    @admin.display(description="Synonym or best bet since?", boolean=True)
    def handled(self, obj: ZeroResultSearch) -> bool:
        return obj.has_synonym or obj.has_best_bet

    @admin.display(description="")
    def add_synonym(self, obj: ZeroResultSearch) -> str:
        url = url_with_query(reverse("admin:offers_synonym_add"), term=obj.query)
        return format_html(
            '<a href="{}">Add a synonym<span class="visually-hidden"> for “{}”</span></a>', url, obj.query
        )

    @admin.display(description="")
    def add_best_bet(self, obj: ZeroResultSearch) -> str:
        url = url_with_query(reverse("admin:offers_bestbet_add"), query=obj.query)
        return format_html(
            '<a href="{}">Add a best bet<span class="visually-hidden"> for “{}”</span></a>', url, obj.query
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
