"""Idempotent loading of the portal's data files, respecting edits made by staff.

Each seeded row is fingerprinted (a hash of the values the seed wrote). On a later run:
- a row that still matches its fingerprint is brought up to date with the data file;
- a row whose values differ from the fingerprint was edited by staff and is kept as it
  is (and reported), unless ``force`` is set;
- a row the seed created but someone deleted stays deleted unless ``force`` is set;
- a row that exists without a record of seeding (an older database) is brought up to date.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from lga_portal.models import SeedRecord


class DataFileError(Exception):
    """A data file is missing, unreadable or does not hold what the loader expects."""


def load_yaml(path: Path) -> Any:
    """Parse a YAML data file, naming the file and line on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: data file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot be read ({exc})") from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise DataFileError(f"{path}: {where}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: {exc}") from None


class Record:
    """Checked access to one mapping of a data file, with errors that say where."""

    def __init__(self, path: Path, where: str, data: Any):
        if not isinstance(data, dict):
            raise DataFileError(f"{path}: {where}: expected a mapping, found {type(data).__name__}")
        self.path, self.where, self.data = path, where, data

    def fail(self, problem: str) -> DataFileError:
        return DataFileError(f"{self.path}: {self.where}: {problem}")

    def get(
        self, key: str, kind: type | tuple = str, *, required: bool = True, default: Any = None, choices: Any = None
    ) -> Any:
        if key not in self.data or self.data[key] is None:
            if required:
                raise self.fail(f"missing '{key}'")
            return default
        value = self.data[key]
        if kind is datetime.date and isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                raise self.fail(f"'{key}' is not a date (YYYY-MM-DD): {value!r}") from None
        if kind is Decimal and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            try:
                value = Decimal(str(value))
            except ArithmeticError:
                raise self.fail(f"'{key}' is not a number: {value!r}") from None
        if not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(f"'{key}' should be {names}, found {value!r}")
        if choices is not None and value not in choices:
            raise self.fail(f"'{key}' is {value!r}; expected one of {', '.join(map(str, choices))}")
        return value

    def items(self, key: str) -> list[Record]:
        values = self.get(key, list, required=False, default=[])
        return [Record(self.path, f"{self.where} → {key}[{i}]", v) for i, v in enumerate(values)]


def records(path: Path, data: Any, key: str) -> list[Record]:
    """The list under ``key`` at the top of a data file, as Records named by slug or index."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DataFileError(f"{path}: expected a top-level list '{key}'")
    out = []
    for index, item in enumerate(data[key]):
        label = f"{key}[{index}]"
        if isinstance(item, dict) and item.get("slug"):
            label += f" (slug {item['slug']!r})"
        out.append(Record(path, label, item))
    return out


def lookup(record: Record, mapping: dict[str, Any], key: str, value: str, what: str) -> Any:
    try:
        return mapping[value]
    except KeyError:
        raise record.fail(f"'{key}' names an unknown {what}: {value!r}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, tuple):  # ordered, e.g. an offer's items
        return [_plain(v) for v in value]
    if isinstance(value, (list, set)):  # unordered, e.g. many-to-many members
        return sorted(_plain(v) for v in value)
    return value


def fingerprint(values: dict[str, Any]) -> str:
    payload = json.dumps({k: _plain(v) for k, v in sorted(values.items())}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Seeder:
    """Creates or updates rows from data files; counts what it did, per model."""

    force: bool = False
    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def sync(
        self,
        model: type[models.Model],
        key: str,
        lookup_fields: dict[str, Any],
        values: dict[str, Any],
        m2m: dict[str, list[models.Model]] | None = None,
        children: tuple[Callable[[models.Model], Any], Callable[[models.Model], None]] | None = None,
        child_data: Any = None,
        initial: dict[str, Any] | None = None,
    ) -> models.Model | None:
        """Make the row found by ``lookup_fields`` hold ``values`` (and ``m2m``, ``children``).

        ``children`` is a pair (read current child data, write desired child data) for
        rows that own ordered children, such as an offer's items. ``initial`` values are written
        when the row is created and later only into fields that are still empty; staff own them
        from then on (an offer's review dates, say), so they are not part of the fingerprint.
        """
        m2m = m2m or {}
        initial = initial or {}
        label = model._meta.label_lower
        desired = {**lookup_fields, **values, **{f"m2m:{k}": v for k, v in m2m.items()}}
        if children:
            desired["children"] = child_data
        wanted_fp = fingerprint(desired)
        record = SeedRecord.objects.filter(model=label, key=key).first()
        obj = model._default_manager.filter(**lookup_fields).first()

        if obj is None:
            if record is not None and not self.force:
                self._keep(label, key, "deleted since it was seeded")
                return None
            obj = model(**lookup_fields, **values, **initial)
            self._validate(obj, label, key)
            obj.save()
            self._write_relations(obj, m2m, children)
            self.counts[f"{label} created"] += 1
        else:
            current_fp = fingerprint(self._current(obj, desired, m2m, children))
            if current_fp == wanted_fp:
                self.counts[f"{label} unchanged"] += 1
            elif record is not None and record.fingerprint != current_fp and not self.force:
                self._keep(label, key, "changed since it was seeded")
                self._fill_empty(obj, initial)
                return obj
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                self._validate(obj, label, key)
                obj.save()
                self._write_relations(obj, m2m, children)
                self.counts[f"{label} updated"] += 1
        self._fill_empty(obj, initial)
        SeedRecord.objects.update_or_create(model=label, key=key, defaults={"fingerprint": wanted_fp})
        return obj

    @staticmethod
    def _fill_empty(obj: models.Model, initial: dict[str, Any]) -> None:
        empty = {name: value for name, value in initial.items() if getattr(obj, name) in (None, "")}
        if not empty:
            return
        if any(f.name == "modified_at" for f in obj._meta.fields):
            empty["modified_at"] = timezone.now()  # pages showing the new values are not served from cache
        type(obj)._default_manager.filter(pk=obj.pk).update(**empty)
        for name, value in empty.items():
            setattr(obj, name, value)

    @staticmethod
    def _validate(obj: models.Model, label: str, key: str) -> None:
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
            raise DataFileError(f"{label} {key}: {problems}") from None

    def _keep(self, label: str, key: str, why: str) -> None:
        self.counts[f"{label} kept"] += 1
        self.kept.append(f"{label} {key}: {why}; kept (use --force to overwrite)")

    @staticmethod
    def _current(obj, desired: dict[str, Any], m2m: dict, children) -> dict[str, Any]:
        current: dict[str, Any] = {}
        for name in desired:
            if name.startswith("m2m:"):
                current[name] = list(getattr(obj, name[4:]).all())
            elif name == "children":
                current[name] = children[0](obj)
            else:
                field_obj = obj._meta.get_field(name)
                current[name] = getattr(obj, field_obj.attname) if field_obj.is_relation else getattr(obj, name)
        return current

    @staticmethod
    def _write_relations(obj, m2m: dict, children) -> None:
        for name, related in m2m.items():
            getattr(obj, name).set(related)
        if children:
            children[1](obj)

    def report(self) -> list[str]:
        lines = [f"{name}: {count}" for name, count in sorted(self.counts.items())]
        return lines + self.kept
