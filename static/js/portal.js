// Initialise GOV.UK Frontend components (skip link, service navigation menu,
// error summary, notification banners, ...). Loaded as an ES module from
// templates/base.html; everything works without it.
// Keep the import statement ending in a semicolon: the production static storage
// rewrites module imports to hashed file names only when they do.
import { initAll } from './govuk-frontend.min.js';

initAll();
