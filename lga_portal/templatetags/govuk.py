"""GOV.UK Frontend helpers for Django templates: ``{% load govuk %}``.

Small and generic on purpose. Used by templates/base.html and the partials in
templates/includes/ (field.html, error_summary.html, pagination.html).
"""

from django import forms, template
from django.utils.html import format_html

from lga_portal.forms import GovukDateInput

register = template.Library()

# Widget kinds that templates/includes/field.html knows how to lay out.
_INPUT_WIDTHS = {
    "number": "govuk-input--width-10",
    "date": "govuk-input--width-10",
    "time": "govuk-input--width-5",
}


@register.filter
def nav_current(path, href):
    """aria-current value for a navigation link to ``href`` on page ``path``.

    "page" on the page itself, "true" anywhere below it (a section), else "".
    "/" only ever matches exactly.
    """
    path = str(path or "")
    href = str(href or "")
    if not href:
        return ""
    if path == href:
        return "page"
    if href != "/" and href.endswith("/") and path.startswith(href):
        return "true"
    return ""


@register.filter
def widget_kind(field):
    """One of: hidden, date (day, month, year), checkbox, checkboxes, radios, select, textarea, file, input."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, GovukDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):  # includes SelectMultiple, NullBooleanSelect
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.filter
def govuk_describedby(field):
    """Space-separated ids of the hint and error message for ``field`` ("" if none)."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def govuk_error_target(field):
    """The id an error-summary link should point at: the first input of a group."""
    if widget_kind(field) in ("checkboxes", "radios"):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


def _merge_class(existing, extra):
    classes = [c for c in (existing or "").split() if c]
    for c in extra.split():
        if c not in classes:
            classes.append(c)
    return " ".join(classes)


@register.filter
def govuk_widget(field, extra_class=""):
    """Render a text-like/select/textarea/file widget (or a single checkbox's
    <input>) with GOV.UK classes and ARIA.

    ``{{ field|govuk_widget }}`` or ``{{ field|govuk_widget:"govuk-input--width-20" }}``.
    Classes already set on the widget in the form are kept.
    """
    kind = widget_kind(field)
    widget = field.field.widget
    if kind == "date":
        # The date input marks the boxes that are wrong; a rule broken by the whole date (say,
        # too far ahead) marks all three. Its fieldset, not a box, carries the description.
        if field.errors and not widget.error_parts:
            widget.error_parts = {"day", "month", "year"}
        return field.as_widget()
    if kind == "hidden":
        return field.as_widget()
    error = bool(field.errors)
    if kind == "checkbox":
        css = "govuk-checkboxes__input"
    elif kind == "select":
        css = "govuk-select" + (" govuk-select--error" if error else "")
    elif kind == "textarea":
        css = "govuk-textarea" + (" govuk-textarea--error" if error else "")
    elif kind == "file":
        css = "govuk-file-upload" + (" govuk-file-upload--error" if error else "")
    else:
        css = "govuk-input" + (" govuk-input--error" if error else "")
        input_type = getattr(widget, "input_type", "text")
        if input_type in _INPUT_WIDTHS and not extra_class:
            css += " " + _INPUT_WIDTHS[input_type]
    if extra_class:
        css += " " + extra_class
    attrs = {"class": _merge_class(widget.attrs.get("class"), css)}
    describedby = govuk_describedby(field)
    if describedby:
        attrs["aria-describedby"] = describedby
    if kind == "input" and getattr(widget, "input_type", "") == "email":
        attrs.setdefault("spellcheck", "false")
    return field.as_widget(attrs=attrs)


@register.filter
def govuk_choice(subwidget, css_class):
    """Render one checkbox/radio option (a BoundWidget from ``{% for opt in field %}``)
    as a bare <input> with ``css_class`` (e.g. "govuk-checkboxes__input")."""
    attrs = dict(subwidget.data.get("attrs") or {})
    attrs["class"] = _merge_class(attrs.get("class"), css_class)
    subwidget.data["attrs"] = attrs
    return subwidget.tag(wrap_label=False)


@register.simple_tag
def govuk_pagination_items(page_obj, on_each_side=1, on_ends=1):
    """Items for the GOV.UK pagination component.

    ``{% govuk_pagination_items page_obj as items %}`` gives a list of
    ``{"number": n, "current": bool}`` and ``{"ellipsis": True}`` dicts.
    """
    paginator = page_obj.paginator
    items = []
    for number in paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": number, "current": number == page_obj.number})
    return items


# GOV.UK tag colours of the catalogue's statuses, and the words shown when no label is given.
_STATUS_TAG_COLOURS = {
    "available": "green",
    "coming_soon": "blue",
    "in_development": "purple",
    "suspended": "orange",
    "closed": "grey",
}
_STATUS_TAG_WORDS = {"coming_soon": "Coming soon", "in_development": "In development"}


@register.simple_tag
def status_tag(status, label=""):
    """An offer status as a GOV.UK tag: ``{% status_tag offer.status offer.get_status_display %}``.

    A tag rather than an included template: a catalogue page draws one per offer listed.
    """
    colour = _STATUS_TAG_COLOURS.get(status)
    css = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    words = label or _STATUS_TAG_WORDS.get(status) or str(status).capitalize()
    return format_html('<strong class="{}">{}</strong>', css, words)
