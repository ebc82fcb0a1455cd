"""Reading rendered pages in tests: sections, table rows and cell text."""

import html as html_lib
import re


def text(fragment: str) -> str:
    """``fragment`` without tags or entities, whitespace collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, heading: str) -> str:
    """The HTML from the first occurrence of ``heading`` to the next <h2> (or the end)."""
    start = page.index(heading)
    following = page.find("<h2", start)
    return page[start : following if following != -1 else None]


def cells(fragment: str) -> list[str]:
    """Text of the data cells (<td>) in ``fragment``."""
    return [text(c) for c in re.findall(r"<td\b[^>]*>(.*?)</td>", fragment, flags=re.S)]


def rows(fragment: str) -> dict[str, list[str]]:
    """Table body rows of ``fragment``, keyed by their row header's text: {header: [cell, …]}."""
    found = {}
    for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", fragment, flags=re.S):
        header = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, flags=re.S)
        if header:
            found[text(header.group(1))] = cells(row)
    return found
