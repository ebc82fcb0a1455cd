"""The CSV helpers every download shares."""

import pytest

from lga_portal.csv_export import BOM, csv_lines, spreadsheet_safe


@pytest.mark.parametrize(
    "cell,safe",
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+44 20", "'+44 20"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-7", "-7"),
        ("-x", "'-x"),
        ("12.5", "12.5"),
        ("Plain", "Plain"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_defused_but_numbers_stay(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_lines_start_with_a_byte_order_mark_and_quote_as_csv_does():
    assert "".join(csv_lines([["a", "b"], ["x, y", 'say "hi"']])) == BOM + 'a,b\r\n"x, y","say ""hi"""\r\n'
