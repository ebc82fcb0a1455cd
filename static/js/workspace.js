// Progressive enhancements for the workspace's engagement form. Everything works
// without this file: the offers are checkboxes grouped by theme, the council a <select>.
//
// 1. Offers picker: a search box that shows only the offers whose names match what
//    is typed, opening the themes that contain them.
// 2. Council picker: a search box above the council list that narrows its options
//    to the councils whose names match, choosing the council when only one is left.

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

function enhanceCouncilPicker (container) {
  const select = container.querySelector('select')
  const group = container.querySelector('.govuk-form-group')
  if (!select || !group) return
  // Keep the full list (with its groups) to rebuild the <select> from.
  const original = Array.prototype.map.call(select.children, function (node) {
    return node.cloneNode(true)
  })

  const wrapper = document.createElement('div')
  wrapper.className = 'govuk-form-group'
  const label = document.createElement('label')
  label.className = 'govuk-label'
  label.htmlFor = 'council-filter'
  label.textContent = 'Search for a council'
  const input = document.createElement('input')
  input.className = 'govuk-input govuk-!-width-two-thirds'
  input.id = 'council-filter'
  input.type = 'search'
  input.autocomplete = 'off'
  input.spellcheck = false
  input.setAttribute('aria-describedby', 'council-filter-status')
  input.setAttribute('aria-controls', select.id)
  const status = document.createElement('p')
  status.className = 'govuk-body-s govuk-!-margin-top-2 govuk-!-margin-bottom-0'
  status.id = 'council-filter-status'
  status.setAttribute('role', 'status')
  status.setAttribute('aria-live', 'polite')
  wrapper.appendChild(label)
  wrapper.appendChild(input)
  wrapper.appendChild(status)
  container.insertBefore(wrapper, group)

  function update () {
    const query = words(input.value)
    const chosen = select.value
    select.textContent = ''
    let count = 0
    let last = null
    original.forEach(function (node) {
      if (node.tagName === 'OPTGROUP') {
        const copy = node.cloneNode(false)
        node.querySelectorAll('option').forEach(function (option) {
          if (!query.length || matches(option.textContent, query) || option.value === chosen) {
            copy.appendChild(option.cloneNode(true))
            count += 1
            last = option.value
          }
        })
        if (copy.children.length) select.appendChild(copy)
      } else {
        select.appendChild(node.cloneNode(true)) // "Choose a council"
      }
    })
    if (query.length && count === 1 && last) select.value = last
    else select.value = chosen
    status.textContent = query.length ? (count === 1 ? '1 council matches' : count + ' councils match') : ''
  }

  input.addEventListener('input', update)
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter') {
      event.preventDefault()
      select.focus()
    }
  })
}

document.querySelectorAll('[data-offer-picker]').forEach(enhanceOfferPicker)
document.querySelectorAll('[data-council-picker]').forEach(enhanceCouncilPicker)
