/*
 * Office clerks' pages. Loaded with `defer`; no inline script (CSP).
 *
 *   form[data-unsaved-warning]  asks before leaving the page with typed but unsaved text
 */
(function () {
  'use strict';

  function watch(form) {
    var dirty = false;
    form.addEventListener('input', function () { dirty = true; });
    form.addEventListener('change', function () { dirty = true; });
    form.addEventListener('submit', function () { dirty = false; });
    window.addEventListener('beforeunload', function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-unsaved-warning]'), watch);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
