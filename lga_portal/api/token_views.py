"""The page where a signed-in user creates and revokes their own API tokens (/api/tokens/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lga_portal.api.tokens import api_token_create, api_token_revoke, max_lifetime_days
from lga_portal.models import ApiToken

LIFETIME_CHOICES = [(30, "30 days"), (90, "90 days"), (365, "1 year")]
TOKEN_REVOKED = "Token “{name}” revoked: it no longer works."
BREADCRUMBS = [("Workspace", "/workspace/"), ("API tokens", None)]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell it apart later. For example, ‘Power BI dashboard’.",
        error_messages={"required": "Enter a name that says what the token is for."},
    )
    days = forms.TypedChoiceField(
        label="How long should it work?",
        coerce=int,
        choices=[],
        initial=90,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the token should work."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = [(d, label) for d, label in LIFETIME_CHOICES if d <= max_lifetime_days()]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one; the new key is shown on this answer only."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = api_token_create(
                user=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            return render(request, "lga_portal/apitoken_created.html", {"token": token, "key": key})
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request, "lga_portal/apitoken_list.html", {"form": form, "tokens": tokens, "breadcrumbs": BREADCRUMBS}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token)
    messages.success(request, TOKEN_REVOKED.format(name=token.name))
    return redirect("api:token_list")
