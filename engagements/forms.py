"""Forms of the adviser workspace. They parse and lay out input; the rules live in the models
and ``engagements/services.py``, whose errors the views put back on these forms' fields.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from engagements import permissions
from engagements.intelligence_services import DISMISS_REASON_REQUIRED
from engagements.models import (
    Adviser,
    Channel,
    ContactRole,
    Council,
    Engagement,
    EngagementKind,
    EngagementStatus,
    replaced_label,
)
from engagements.services import ENGAGEMENT_FIELDS
from lga_portal.forms import GovukDateField
from offers.models import Offer, Theme

COUNCIL_REQUIRED = "Choose the council the engagement was with."
DATE_REQUIRED = "Enter the date of the engagement."
KIND_REQUIRED = "Choose what kind of engagement it was."
CHANNEL_REQUIRED = "Choose how the engagement took place."
STATUS_REQUIRED = "Choose whether the engagement is planned, completed or cancelled."
HOURS_INVALID = "Enter hours as a number, for example 1.5."
ADVISER_REQUIRED = "Choose the principal adviser who led the engagement: {council} has no principal adviser."
CLOSE_REASON_REQUIRED = "Say why the request is being closed."
IMPORT_FILE_REQUIRED = "Choose a CSV file to upload."


def council_label(council: Council) -> str:
    if council.abolished_on:
        return f"{council.name} (abolished {council.abolished_on:%-d %B %Y})"
    return council.name


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: by field where the form has it,
    otherwise at the top, each message once."""
    if not hasattr(error, "error_dict"):
        for message in dict.fromkeys(error.messages):
            form.add_error(None, message)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in dict.fromkeys(messages):
            if target is None and field not in ("__all__",):
                label = str(Engagement._meta.get_field(field).verbose_name).capitalize() if field else ""
                message = f"{label}: {message}" if label else message
            form.add_error(target, message)


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose options the template lays out in groups (offers by theme)."""


class EngagementForm(forms.Form):
    """Log or edit an engagement. The council, offers, themes and roles lists cost one query each."""

    council = forms.TypedChoiceField(
        label="Council",
        coerce=int,
        help_text="Start typing the council's name, or choose it from the list.",
        error_messages={"required": COUNCIL_REQUIRED, "invalid_choice": COUNCIL_REQUIRED},
        # The public pages' council picker: GOV.UK's accessible autocomplete over this <select>
        # (static/js/council-picker.js), the plain <select> without JavaScript.
        widget=forms.Select(attrs={"data-module": "app-council-autocomplete"}),
    )
    adviser = forms.TypedChoiceField(
        label="Principal adviser",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave as it is to use the council's principal adviser.",
    )
    date = GovukDateField(
        name="Date of the engagement",
        label="Date",
        help_text="For example, 27 3 2025.",
        error_messages={"required": DATE_REQUIRED},
    )
    kind = forms.ChoiceField(
        label="Kind of engagement",
        choices=[("", "Choose a kind")] + EngagementKind.choices,
        error_messages={"required": KIND_REQUIRED, "invalid_choice": KIND_REQUIRED},
    )
    channel = forms.ChoiceField(
        label="How it took place",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CHANNEL_REQUIRED, "invalid_choice": CHANNEL_REQUIRED},
    )
    roles = forms.ModelMultipleChoiceField(
        label="Who it was with",
        queryset=ContactRole.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was discussed or agreed. Colleagues can read this.",
    )
    offers = forms.ModelMultipleChoiceField(
        label="Offers discussed or delivered",
        queryset=Offer.objects.none(),
        required=False,
        widget=GroupedCheckboxes,
        help_text="Grouped by theme.",
    )
    themes = forms.ModelMultipleChoiceField(
        label="Support needs",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Themes the council needs support with.",
    )
    private_notes = forms.CharField(
        label="Private notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you and managers can read these.",
    )
    follow_up_on = GovukDateField(
        name="Follow-up date",
        label="Follow-up date (optional)",
        required=False,
        help_text="When to get back in touch, if you need to. For example, 10 4 2025.",
    )
    follow_up_done = forms.BooleanField(label="The follow-up has been done", required=False)
    hours = forms.DecimalField(
        label="Hours (optional)",
        required=False,
        max_digits=6,
        decimal_places=2,
        help_text="For coaching: the hours of coaching given, for example 1.5.",
        error_messages={"invalid": HOURS_INVALID},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label="Status",
        choices=EngagementStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": STATUS_REQUIRED, "invalid_choice": STATUS_REQUIRED},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user, engagement: Engagement | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.engagement = engagement
        self.own_adviser = permissions.adviser_for(user)
        selected = self._selected_ids()

        self.councils = {c.pk: c for c in Council.objects.select_related("adviser").order_by("name")}
        mine = [c for c in self.councils.values() if self.own_adviser and c.adviser_id == self.own_adviser.pk]
        active = [c for c in self.councils.values() if c not in mine and c.is_active]
        abolished = [c for c in self.councils.values() if c not in mine and not c.is_active]
        groups = [
            ("Your councils", mine),
            ("All councils" if not mine else "Other councils", active),
            ("Abolished councils", abolished),
        ]
        # A council that replaced others is listed again under each former name, so "Craven"
        # finds "North Yorkshire (replaced Craven in April 2023)" as well as Craven itself.
        replaced_by: dict[int, list[Council]] = {}
        for former_id, successor_id in Council.successors.through.objects.values_list(
            "from_council_id", "to_council_id"
        ):
            if self.councils[successor_id].is_active:
                replaced_by.setdefault(successor_id, []).append(self.councils[former_id])

        def options(councils: list[Council]) -> list[tuple[int, str]]:
            entries = [(c.name, c.pk, council_label(c)) for c in councils]
            for successor in councils:
                for former in replaced_by.get(successor.pk, []):
                    entries.append((former.name, successor.pk, replaced_label(successor, former)))
            return [(pk, label) for _, pk, label in sorted(entries, key=lambda e: (e[0].casefold(), e[2]))]

        self.fields["council"].choices = [("", "Choose a council")] + [
            (label, options(councils)) for label, councils in groups if councils
        ]

        if permissions.can_choose_adviser(user):
            advisers = Adviser.objects.filter(Q(is_active=True) | Q(pk=selected["adviser"])).order_by("name")
            self.advisers = {a.pk: a for a in advisers}
            self.fields["adviser"].choices = [("", "The council's principal adviser")] + [
                (a.pk, a.name) for a in self.advisers.values()
            ]
        else:
            del self.fields["adviser"]

        self.fields["roles"].queryset = ContactRole.objects.filter(
            Q(disabled_on__isnull=True) | Q(pk__in=selected["roles"])
        ).order_by("order", "name")
        self.fields["offers"].queryset = (
            Offer.objects.filter(Q(is_published=True) | Q(pk__in=selected["offers"]))
            .select_related("theme")
            .order_by("theme__order", "title")
        )
        self.fields["themes"].queryset = Theme.objects.order_by("order", "name")
        if engagement is None:
            del self.fields["version"]
            del self.fields["follow_up_done"]
        else:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = VERSION_MISSING
            self.fields["version"].error_messages["invalid"] = VERSION_MISSING

    def _selected_ids(self) -> dict[str, Any]:
        """Ids already chosen (on the engagement or in the posted data), so retired choices stay."""
        if self.is_bound:
            data = self.data
            getlist = data.getlist if hasattr(data, "getlist") else lambda k: data.get(k) or []
            ids = {name: [v for v in getlist(name) if str(v).isdigit()] for name in ("roles", "offers")}
            adviser = data.get("adviser")
            ids["adviser"] = int(adviser) if str(adviser or "").isdigit() else None
            return ids
        initial = self.initial
        ids = {
            "roles": [getattr(r, "pk", r) for r in initial.get("roles", [])],
            "offers": [getattr(o, "pk", o) for o in initial.get("offers", [])],
        }
        adviser = initial.get("adviser")
        ids["adviser"] = getattr(adviser, "pk", adviser)
        return ids

    def offer_groups(self) -> list[tuple[str, list, int]]:
        """(theme name, checkbox options, how many are ticked) for the offers picker."""
        themes: dict[str, list] = defaultdict(list)
        order: list[str] = []
        for option in self["offers"]:
            theme = option.data["value"].instance.theme.name
            if theme not in themes:
                order.append(theme)
            themes[theme].append(option)
        return [(name, themes[name], sum(1 for o in themes[name] if o.data["selected"])) for name in order]

    def clean_council(self) -> Council:
        council = self.councils.get(self.cleaned_data["council"])
        if council is None:
            raise ValidationError(COUNCIL_REQUIRED)
        return council

    def clean_adviser(self) -> Adviser | None:
        pk = self.cleaned_data.get("adviser")
        return self.advisers.get(pk) if pk else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        council = cleaned.get("council")
        if "adviser" in self.fields and council and not cleaned.get("adviser"):
            if council.adviser_id is None:
                self.add_error("adviser", ADVISER_REQUIRED.format(council=council))
            else:
                cleaned["adviser"] = council.adviser
        if self._errors:
            # The service will not be reached, so report the model's own rules now as well:
            # every problem at once, not one round at a time.
            self._add_model_rule_errors(cleaned)
        return cleaned

    def _add_model_rule_errors(self, cleaned: dict[str, Any]) -> None:
        values = {name: cleaned[name] for name in ENGAGEMENT_FIELDS if cleaned.get(name) is not None}
        try:
            Engagement(**values).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self._errors:
                    for message in dict.fromkeys(messages):
                        self.add_error(field, message)

    def engagement_values(self) -> dict[str, Any]:
        """Keyword arguments for ``engagement_create`` / ``engagement_update``."""
        values = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if "adviser" not in self.fields:
            if self.engagement is None:
                values["adviser"] = self.own_adviser
        return values


class CloseRequestForm(forms.Form):
    closed_reason = forms.CharField(
        label="Why are you closing this request?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The reason is kept with the request, and the person who asked sees it on their request's "
        "status page.",
        error_messages={"required": CLOSE_REASON_REQUIRED},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 CSV with a header row. Large files (more than {limit} rows) go through the import command.",
        error_messages={"required": IMPORT_FILE_REQUIRED},
    )

    def __init__(self, *args: Any, row_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.fields["file"].help_text.format(limit=f"{row_limit:,}")


def initial_for_new_engagement(user, council: Council | None = None) -> dict[str, Any]:
    """What a blank "log an engagement" form starts with."""
    initial: dict[str, Any] = {
        "date": timezone.localdate(),
        "status": EngagementStatus.COMPLETED,
        "channel": Channel.VIDEO,
    }
    if council is not None:
        initial["council"] = council.pk
    return initial


def initial_from_engagement(engagement: Engagement, *, show_private_notes: bool) -> dict[str, Any]:
    """The edit form's starting values (private notes only for those who may read them)."""
    return {
        "council": engagement.council_id,
        "adviser": engagement.adviser_id,
        "date": engagement.date,
        "kind": engagement.kind,
        "channel": engagement.channel,
        "roles": list(engagement.roles.all()),
        "summary": engagement.summary,
        "offers": list(engagement.offers.all()),
        "themes": list(engagement.themes.all()),
        "private_notes": engagement.private_notes if show_private_notes else "",
        "follow_up_on": engagement.follow_up_on,
        "follow_up_done": engagement.follow_up_done,
        "hours": engagement.hours,
        "status": engagement.status,
        "version": engagement.version,
    }


VERSION_MISSING = "This form is out of date: open the engagement again and make your changes there."
CONFLICT_CHANGE = "{field} was changed from “{before}” to “{after}”."
CONFLICT_NEXT_STEP = (
    "Your changes are still in the form below. Check what changed, then save again to replace it "
    "with your version, or cancel to keep theirs."
)


SUGGESTION_UNKNOWN = "This suggestion is no longer on the page: open the council again."


class DismissSuggestionForm(forms.Form):
    """Dismiss one suggested offer for a council, saying why (one form per suggestion on the profile)."""

    offer = forms.ModelChoiceField(
        queryset=Offer.objects.all(),
        to_field_name="slug",
        widget=forms.HiddenInput,
        error_messages={"required": SUGGESTION_UNKNOWN, "invalid_choice": SUGGESTION_UNKNOWN},
    )
    reason = forms.CharField(
        label="Why is this not right for the council?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, “already commissioned from another provider”. The offer will not be suggested "
        "for this council again.",
        error_messages={"required": DISMISS_REASON_REQUIRED},
    )
