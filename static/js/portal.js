// Initialise GOV.UK Frontend components (skip link, service navigation menu,
// error summary, notification banners, ...). Loaded as an ES module from
// templates/base.html; everything works without it.
import { initAll } from './govuk-frontend.min.js'

initAll()
