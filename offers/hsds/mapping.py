"""How the catalogue maps onto HSDS: identifiers, the one organization, statuses, taxonomies.

Identifiers never change between requests or deployments: each offer's, theme's, audience's
and format's own ``uuid``, and for everything else (the organization, the taxonomies, the
attributes linking terms to services, languages, areas, contacts) a UUID5 derived from
``HSDS_NAMESPACE`` and fixed names. Changing a name here changes an identifier that directory
systems have stored: don't.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import models

from offers.models import Audience, Format, OfferStatus, Theme

HSDS_VERSION = "3.0"
# The portal follows HSDS 3.0 itself, with no profile on top: its documentation is the profile's.
HSDS_PROFILE = "https://docs.openreferral.org/en/3.0/"

# Fixed for ever: every derived identifier depends on it.
HSDS_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4c8e-9a51-1c8b0d6f2a47")


def derived_id(*parts: object) -> str:
    """A stable identifier for a record the catalogue has no row of its own for."""
    return str(uuid.uuid5(HSDS_NAMESPACE, ":".join(str(part) for part in parts)))


LGA_ORGANIZATION_ID = derived_id("organization", "local-government-association")
LGA_ORGANIZATION = {
    "id": LGA_ORGANIZATION_ID,
    "name": "Local Government Association",
    "description": "The national membership body for local authorities in England, which runs the "
    "sector-led improvement programme of support for councils.",
    "website": "https://www.local.gov.uk/",
}

# HSDS service statuses: active, inactive, defunct, temporarily closed.
SERVICE_STATUS = {
    OfferStatus.AVAILABLE: "active",
    OfferStatus.COMING_SOON: "inactive",
    OfferStatus.IN_DEVELOPMENT: "inactive",
    OfferStatus.SUSPENDED: "temporarily closed",
    OfferStatus.CLOSED: "defunct",
}


@dataclass(frozen=True)
class Taxonomy:
    """One of the catalogue's reference lists, published as an HSDS taxonomy."""

    key: str
    model: type[models.Model]
    name: str
    description: str
    # The portal API's list and detail of its terms (``api:<basename>-list`` / ``-detail``).
    api_basename: str

    @property
    def id(self) -> str:
        return derived_id("taxonomy", self.key)


TAXONOMIES = (
    Taxonomy("themes", Theme, "LGA support themes", "The themed areas of the LGA's support offer.", "theme"),
    Taxonomy("audiences", Audience, "LGA support audiences", "Who an LGA support offer is for.", "audience"),
    Taxonomy("formats", Format, "LGA support formats", "What form an LGA support offer takes.", "format"),
)
TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
TAXONOMY_BY_MODEL = {taxonomy.model: taxonomy for taxonomy in TAXONOMIES}


@dataclass(frozen=True)
class Term:
    """A theme, audience or format as a term of its taxonomy."""

    taxonomy: Taxonomy
    record: Theme | Audience | Format

    @classmethod
    def of(cls, record: Theme | Audience | Format) -> Term:
        return cls(TAXONOMY_BY_MODEL[type(record)], record)
