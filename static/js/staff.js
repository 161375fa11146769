/*
 * 花溪人大代表建议办理系统 — NPC staff pages.
 *
 *   [data-keyboard-list]        j / k move between rows' [data-row-link], Enter opens
 *   [data-key-next] / [data-key-prev]   n / p follow these links (review queue)
 *   input[name=mode] (radio)    shows the [data-mode-panel] of the chosen assignment mode
 *   input[data-office-filter]   narrows the office checkboxes of its panel by name
 *
 * Shortcuts never fire while typing in a field or with a modifier key held.
 */
(function () {
  'use strict';

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function typing(event) {
    var el = event.target;
    if (!el || !el.tagName) {
      return false;
    }
    var tag = el.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event)) {
      return;
    }
    var key = event.key;
    if (key === 'j' || key === 'k') {
      var links = all('[data-keyboard-list] [data-row-link]');
      if (!links.length) {
        return;
      }
      var index = links.indexOf(document.activeElement);
      if (index === -1) {
        index = key === 'j' ? 0 : links.length - 1;
      } else {
        index = Math.max(0, Math.min(links.length - 1, index + (key === 'j' ? 1 : -1)));
      }
      links[index].focus();
      event.preventDefault();
      return;
    }
    var target = null;
    if (key === 'n') {
      target = document.querySelector('[data-key-next]');
    } else if (key === 'p') {
      target = document.querySelector('[data-key-prev]');
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  }

  function setupModes() {
    var radios = all('input[type="radio"][name="mode"]');
    if (!radios.length) {
      return;
    }
    function update() {
      var chosen = radios.filter(function (r) { return r.checked; })[0];
      var mode = chosen ? chosen.value : 'lead';
      all('[data-mode-panel]').forEach(function (panel) {
        panel.hidden = panel.getAttribute('data-mode-panel') !== mode;
      });
    }
    radios.forEach(function (r) { r.addEventListener('change', update); });
    update();
  }

  function setupOfficeFilters() {
    all('input[data-office-filter]').forEach(function (input) {
      var fieldset = input.closest('fieldset');
      var list = fieldset && fieldset.querySelector('[data-office-list]');
      if (!list) {
        return;
      }
      input.addEventListener('input', function () {
        var term = input.value.trim();
        all('label', list).forEach(function (label) {
          var row = label.parentElement;
          var box = label.querySelector('input');
          var match = !term || label.textContent.indexOf(term) !== -1 || (box && box.checked);
          row.hidden = !match;
        });
      });
    });
  }

  function init() {
    setupModes();
    setupOfficeFilters();
  }

  document.addEventListener('keydown', onKey);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
