// Initialise GOV.UK Frontend components (skip link, service navigation menu,
// error summary, notification banners, ...). Loaded as an ES module from
// templates/base.html; everything works without it.
// Keep the trailing semicolon: with support_js_module_import_aggregation,
// Django's ManifestStaticFilesStorage only rewrites `import ... from '...';`
// to the hashed file name when the statement ends with one.
import { initAll } from './govuk-frontend.min.js';

initAll();
