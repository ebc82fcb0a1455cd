// Marks the page as JavaScript-enabled before it renders, as GOV.UK Frontend expects.
// A static file rather than an inline script, so the page's HTML carries no per-request
// nonce that a cached copy (answered 304 Not Modified) would get wrong.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
