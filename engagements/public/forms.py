"""Forms on the public pages: the support request form, "find your principal adviser" and the
council register's filters. Writes go through ``engagements.services``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from engagements.models import Council, CouncilKind, Region, replaced_label
from lga_portal.forms import FilterChoiceField, SearchField

CHOOSE_COUNCIL = "Choose your council"
ENTER_NAME = "Enter your name"
ENTER_EMAIL = "Enter your email address"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
CONSENT_REQUIRED = "Confirm that the LGA may contact you about this request"
NAME_TOO_LONG = "Your name must be 120 characters or fewer"
ROLE_TOO_LONG = "Your role must be 120 characters or fewer"
MESSAGE_TOO_LONG = "Your message must be 5,000 characters or fewer"
REQUEST_FAILED_SPAM_CHECK = (
    "Your request could not be sent because it failed our spam check. "
    "Send it again, or email the contact shown on the offer page."
)
MESSAGE_MAX_LENGTH = 5000


class _OfferedCouncils(ModelChoiceIterator):
    """The councils a visitor should pick from (those that exist today), with each council that
    was replaced listed again under its former name, as its successor: an officer from Craven
    who looks for "Craven" (in the list, or typing into the autocomplete) finds "North Yorkshire
    (replaced Craven in April 2023)". Two queries."""

    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.offered

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A fresh query each time: the field (and its queryset) is shared by every form instance.
        entries = [(council.name, self.choice(council)) for council in self.queryset.all()]
        for former, successor in successions():
            value = ModelChoiceIteratorValue(self.field.prepare_value(successor), successor)
            entries.append((former.name, (value, replaced_label(successor, former))))
        for _, choice in sorted(entries, key=lambda entry: (entry[0].casefold(), entry[1][1])):
            yield choice


def successions() -> list[tuple[Council, Council]]:
    """(former council, council that replaced it and exists today) pairs, in one query."""
    links = Council.successors.through.objects.filter(to_council__is_active=True).select_related(
        "from_council", "to_council"
    )
    return [(link.from_council, link.to_council) for link in links]


class CouncilChoiceField(forms.ModelChoiceField):
    """A council picked by GSS code from the active councils, sorted by name.

    Any council in the register is accepted, so that one abolished since the page was
    loaded (or typed into the URL) meets the service's own message naming its successors.
    """

    iterator = _OfferedCouncils

    def __init__(self, **kwargs):
        self.offered = Council.objects.active().order_by("name")
        kwargs.setdefault("label", "Your council")
        kwargs.setdefault("empty_label", "Choose your council")
        kwargs.setdefault("error_messages", {"required": CHOOSE_COUNCIL, "invalid_choice": CHOOSE_COUNCIL})
        # With its adviser: "Who to contact" names them.
        super().__init__(queryset=Council.objects.select_related("adviser"), to_field_name="gss_code", **kwargs)
        # Progressive enhancement: static/js/council-picker.js turns this into an autocomplete.
        self.widget.attrs["data-module"] = "app-council-autocomplete"


class HoneypotInput(forms.TextInput):
    """A field people never see; it is always shown empty, so a re-shown form can pass."""

    def format_value(self, value):
        return None


class SupportRequestForm(forms.Form):
    council = CouncilChoiceField(help_text="Start typing the council's name, or choose it from the list.")
    name = forms.CharField(
        label="Your name",
        max_length=120,
        error_messages={"required": ENTER_NAME, "max_length": NAME_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    role = forms.CharField(
        label="Your role (optional)",
        required=False,
        max_length=120,
        help_text="For example, chief executive, councillor or finance director.",
        error_messages={"max_length": ROLE_TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We'll only use this to contact you about this request.",
        error_messages={"required": ENTER_EMAIL, "invalid": EMAIL_INVALID},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label="What would you like help with? (optional)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={"max_length": MESSAGE_TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        label="I agree that the LGA may contact me about this request",
        error_messages={"required": CONSENT_REQUIRED},
    )
    # Spam trap: hidden from people (templates render it inside a visually hidden block),
    # filled in by bots that complete every field.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise ValidationError(REQUEST_FAILED_SPAM_CHECK, code="spam")
        return data

    def support_request_values(self) -> dict:
        """Keyword arguments for ``engagements.services.support_request_create`` (plus the offer)."""
        data = self.cleaned_data
        return {name: data[name] for name in ("council", "name", "email", "role", "message", "consent")}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's refusal by the field it concerns, or above the form."""
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class FindAdviserForm(forms.Form):
    council = CouncilChoiceField()


class OfferContactForm(forms.Form):
    """ "Who to contact" on an offer page: the officer's council (a GET form; works without JavaScript)."""

    council = CouncilChoiceField(help_text="Choose your council to see who to contact about this offer.")

    def clean_council(self) -> Council:
        council = self.cleaned_data["council"]
        if not council.is_active:
            raise ValidationError(council.replaced_message(), code="replaced")
        return council


class CouncilRegisterFilterForm(forms.Form):
    """Search and filters for /councils/. Always valid: unknown values are dropped."""

    q = SearchField(max_chars=100, label="Council name or code", help_text="For example, Leeds or E08000035.")
    region = FilterChoiceField(label="Region")
    kind = FilterChoiceField(label="Type of council", choices=[("", "All types"), *CouncilKind.choices])
    abolished = forms.BooleanField(label="Include councils abolished since 2021", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "All regions"), *Region.objects.values_list("slug", "name")]

    def register_filters(self) -> dict:
        data = self.cleaned_data
        return {
            "q": data["q"],
            "region": data["region"],
            "kind": data["kind"],
            "include_abolished": data["abolished"],
        }

    @property
    def has_filters(self) -> bool:
        return any(self.cleaned_data[name] for name in ("q", "region", "kind", "abolished"))
