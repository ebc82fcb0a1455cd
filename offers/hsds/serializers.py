"""HSDS records: services (minimal, one-to-one fields, fully nested), taxonomies and their terms.

HSDS leaves an optional field out when it has no value rather than sending null or "": each
serializer names the fields its schema requires (``required_fields``), which are always
present, and drops the others when empty. Links are absolute (HSDS ``uri`` fields); the
serializers need the request in their context.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from offers.hsds.mapping import LGA_ORGANIZATION, LGA_ORGANIZATION_ID, SERVICE_STATUS, Taxonomy, Term, derived_id
from offers.models import Offer

HOW_TO_ACCESS = "Ask your council's LGA principal adviser, or request it on the offer's page."
EMPTY = (None, "", [], {})


class HSDSSerializer(serializers.Serializer):
    """Leaves out optional fields with no value; keeps the schema's required ones."""

    required_fields: tuple[str, ...] = ("id",)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        return {name: value for name, value in data.items() if name in self.required_fields or value not in EMPTY}

    def absolute(self, path: str) -> str:
        return self.context["request"].build_absolute_uri(path)


class TaxonomySerializer(HSDSSerializer):
    required_fields = ("id", "name", "description")

    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    uri = serializers.SerializerMethodField()

    def get_uri(self, taxonomy: Taxonomy) -> str:
        return self.absolute(reverse(f"api:{taxonomy.api_basename}-list"))


class TaxonomyTermSerializer(HSDSSerializer):
    """A theme, audience or format, with its taxonomy in ``taxonomy_detail``."""

    required_fields = ("id", "name", "description")

    id = serializers.UUIDField(source="record.uuid")
    code = serializers.CharField(source="record.slug")
    name = serializers.CharField(source="record.name")
    description = serializers.SerializerMethodField()
    taxonomy = serializers.CharField(source="taxonomy.name")
    taxonomy_id = serializers.CharField(source="taxonomy.id")
    taxonomy_detail = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField()
    term_uri = serializers.SerializerMethodField()

    def get_description(self, term: Term) -> str:
        # Themes have a summary; audiences and formats are described by their names.
        return getattr(term.record, "summary", "") or term.record.name

    def get_taxonomy_detail(self, term: Term) -> dict:
        return TaxonomySerializer(term.taxonomy, context=self.context).data

    def get_language(self, term: Term) -> str:
        return "en"

    def get_term_uri(self, term: Term) -> str:
        return self.absolute(reverse(f"api:{term.taxonomy.api_basename}-detail", kwargs={"slug": term.record.slug}))


class ServiceMinimalSerializer(HSDSSerializer):
    """``minimal=true``: just what a copy needs to see what changed."""

    required_fields = ("id", "last_modified")

    id = serializers.UUIDField(source="uuid")
    last_modified = serializers.DateTimeField(source="modified_at")


class ServiceSerializer(HSDSSerializer):
    """A service's one-to-one fields (and its organization), as ``/services`` lists them."""

    required_fields = ("id", "name", "status")

    id = serializers.UUIDField(source="uuid")
    organization_id = serializers.SerializerMethodField()
    name = serializers.CharField(source="title")
    description = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    email = serializers.CharField(source="effective_contact_email")
    status = serializers.SerializerMethodField()
    application_process = serializers.SerializerMethodField()
    eligibility_description = serializers.SerializerMethodField()
    alert = serializers.CharField(source="status_note")
    last_modified = serializers.DateTimeField(source="modified_at")
    organization = serializers.SerializerMethodField()

    def get_organization_id(self, offer: Offer) -> str:
        return LGA_ORGANIZATION_ID

    def get_description(self, offer: Offer) -> str:
        parts = [offer.summary, offer.description]
        items = [item.text for item in offer.items.all()]
        if items:
            parts.append("It includes:\n" + "\n".join(f"- {text}" for text in items))
        return "\n\n".join(part for part in parts if part)

    def get_url(self, offer: Offer) -> str:
        return self.absolute(offer.get_absolute_url())

    def get_status(self, offer: Offer) -> str:
        return SERVICE_STATUS.get(offer.status, "inactive")

    def get_application_process(self, offer: Offer) -> str:
        return offer.how_to_access or HOW_TO_ACCESS

    def get_eligibility_description(self, offer: Offer) -> str:
        audiences = [audience.name for audience in offer.audiences.all()]
        if audiences:
            return "For English councils: " + ", ".join(audiences) + "."
        return "For English councils."

    def get_organization(self, offer: Offer) -> dict:
        return LGA_ORGANIZATION


class ServiceFullSerializer(ServiceSerializer):
    """A fully nested service, as ``/services/{id}`` (or ``full=true``) gives it: its theme,
    audiences and formats as attributes, its language, area and contact."""

    attributes = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    service_areas = serializers.SerializerMethodField()
    contacts = serializers.SerializerMethodField()

    def get_attributes(self, offer: Offer) -> list[dict]:
        service_id = str(offer.uuid)
        records = [offer.theme, *offer.audiences.all(), *offer.formats.all()]
        return [
            {
                "id": derived_id("attribute", service_id, record.uuid),
                "link_id": service_id,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term_id": str(record.uuid),
                "taxonomy_term": TaxonomyTermSerializer(Term.of(record), context=self.context).data,
            }
            for record in records
        ]

    def get_languages(self, offer: Offer) -> list[dict]:
        service_id = str(offer.uuid)
        return [
            {"id": derived_id("language", service_id, "en"), "service_id": service_id, "name": "English", "code": "en"}
        ]

    def get_service_areas(self, offer: Offer) -> list[dict]:
        service_id = str(offer.uuid)
        return [
            {
                "id": derived_id("service_area", service_id, "england"),
                "service_id": service_id,
                "name": "England",
                "description": "Principal councils in England.",
            }
        ]

    def get_contacts(self, offer: Offer) -> list[dict]:
        if not offer.effective_contact_email:
            return []  # Councils go through their principal adviser (see application_process).
        service_id = str(offer.uuid)
        return [
            {
                "id": derived_id("contact", service_id),
                "service_id": service_id,
                "name": f"{offer.theme.name} team",
                "email": offer.effective_contact_email,
            }
        ]
