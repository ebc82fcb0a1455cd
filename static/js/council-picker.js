// Council pickers: each <select data-module="app-council-autocomplete"> becomes GOV.UK's
// accessible autocomplete (static/js/accessible-autocomplete.min.js, loaded before this).
// Without JavaScript the plain <select> does the same job.
(function () {
  'use strict'
  if (!window.accessibleAutocomplete || !document.querySelectorAll) return

  var selects = document.querySelectorAll('select[data-module="app-council-autocomplete"]')
  Array.prototype.forEach.call(selects, function (select) {
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      inputClasses: select.classList.contains('govuk-select--error') ? 'govuk-input--error' : null,
      tNoResults: function () { return 'No council found' },
      // Keep the <select> in step with what was typed, clearing it when nothing matches,
      // so the server says "Choose your council" rather than sending an old choice.
      onConfirm: function (chosen) {
        var text = chosen === undefined ? document.getElementById(select.id.replace(/-select$/, '')).value : chosen
        var match = Array.prototype.filter.call(select.options, function (option) {
          return option.value && option.textContent === text
        })[0]
        select.value = match ? match.value : ''
      }
    })
  })
})()
