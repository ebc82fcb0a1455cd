"""Reading the workspace pages' error messages as a user sees them."""

from __future__ import annotations

import html
import re


def error_summary(response) -> list[str]:
    page = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert match, "no error summary on the page"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    ]


def field_error(response, field: str) -> str:
    match = re.search(rf'id="id_{field}-error"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    assert match, f"no error message by the {field} field"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()
