"""Production static files: collectstatic succeeds and module imports point at hashed files."""

from django.core.management import call_command


def test_collectstatic_with_production_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "lga_portal.storage.PortalStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = [p for p in tmp_path.glob("js/portal.*.js") if p.name.count(".") == 2]
    assert len(hashed) == 1
    text = hashed[0].read_text()
    assert "govuk-frontend.min.js'" not in text and "govuk-frontend.min." in text
    assert list(tmp_path.glob("css/portal.*.css.gz"))
