// Progressive enhancements for the workspace's engagement form. Everything works
// without this file: the offers are checkboxes grouped by theme.
//
// Offers picker: a search box that shows only the offers whose names match what is
// typed, opening the themes that contain them. (The council is picked with the public
// pages' accessible autocomplete: static/js/council-picker.js.)

function words (text) {
  return text.toLowerCase().split(/\s+/).filter(Boolean)
}

function matches (text, query) {
  const haystack = text.toLowerCase()
  return query.every(function (word) { return haystack.indexOf(word) !== -1 })
}

function enhanceOfferPicker (picker) {
  const search = picker.querySelector('[data-offer-search]')
  const input = picker.querySelector('#offer-search')
  const status = picker.querySelector('#offer-search-status')
  const groups = Array.prototype.slice.call(picker.querySelectorAll('[data-offer-group]'))
  if (!search || !input || !groups.length) return
  const wasOpen = groups.map(function (group) { return group.open })
  search.hidden = false

  function update () {
    const query = words(input.value)
    let shown = 0
    groups.forEach(function (group, index) {
      let inGroup = 0
      group.querySelectorAll('[data-offer-option]').forEach(function (option) {
        const label = option.querySelector('label')
        const checkbox = option.querySelector('input')
        const visible = !query.length || matches(label.textContent, query) || (checkbox && checkbox.checked)
        option.hidden = !visible
        if (visible) inGroup += 1
      })
      shown += inGroup
      group.hidden = query.length > 0 && inGroup === 0
      group.open = query.length > 0 ? inGroup > 0 : wasOpen[index] || !!group.querySelector('input:checked')
    })
    status.textContent = query.length ? (shown === 1 ? '1 offer matches' : shown + ' offers match') : ''
  }

  input.addEventListener('input', update)
  input.addEventListener('keydown', function (event) {
    // Enter in the search box should not submit the whole form.
    if (event.key === 'Enter') event.preventDefault()
  })
}

document.querySelectorAll('[data-offer-picker]').forEach(enhanceOfferPicker)
