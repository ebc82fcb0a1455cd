"""Static files storage for production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; ES module imports are rewritten to the hashed names too,
    so portal.js does not load an unhashed copy of govuk-frontend.min.js."""

    support_js_module_import_aggregation = True
