/*
 * 花溪人大代表建议办理系统 — site behaviour.
 *
 * Vanilla ES2017, no dependencies, no inline handlers (the CSP forbids inline
 * script). Loaded with `defer` from base.html. Everything is wired through
 * data-* attributes:
 *
 *   .nav-toggle[aria-controls=nav-menu]  opens/closes the phone menu
 *   select[data-autosubmit] (or any input) submits its form on change
 *   [data-confirm="消息"] on a <form>, or on a submit <button>/<input>, or on
 *                         a link, asks confirm() before going on
 *   input[type=checkbox][data-select-all="NAME"] checks/unchecks every
 *                         checkbox named NAME in the same form (or page)
 *   [data-print]          calls window.print() on click
 *   .progress-bar[data-value="0..100"] gets its width set (inline style
 *                         attributes may be blocked by the CSP)
 *   details.filters-details starts open on wide screens
 *
 * The only global is the `window.Huaxi` namespace, for other scripts to use.
 */
(function () {
  'use strict';

  var Huaxi = window.Huaxi = window.Huaxi || {};

  function closest(el, selector) {
    while (el && el.nodeType === 1) {
      if (el.matches(selector)) {
        return el;
      }
      el = el.parentElement;
    }
    return null;
  }

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  /* ---------------------------------------------------------------- */
  /* Navigation toggle                                                 */
  /* ---------------------------------------------------------------- */

  function setupNav() {
    all('.nav-toggle').forEach(function (button) {
      var menuId = button.getAttribute('aria-controls') || 'nav-menu';
      var menu = document.getElementById(menuId);
      if (!menu) {
        return;
      }

      function setOpen(open) {
        button.setAttribute('aria-expanded', open ? 'true' : 'false');
        menu.classList.toggle('open', open);
      }

      button.addEventListener('click', function () {
        setOpen(button.getAttribute('aria-expanded') !== 'true');
      });

      document.addEventListener('keydown', function (event) {
        if ((event.key === 'Escape' || event.key === 'Esc') &&
            button.getAttribute('aria-expanded') === 'true') {
          setOpen(false);
          button.focus();
        }
      });

      document.addEventListener('click', function (event) {
        if (button.getAttribute('aria-expanded') === 'true' &&
            !menu.contains(event.target) && !button.contains(event.target)) {
          setOpen(false);
        }
      });
    });
  }

  /* ---------------------------------------------------------------- */
  /* Confirmation                                                      */
  /* ---------------------------------------------------------------- */

  // Buttons or links carrying data-confirm. A submit button's question is
  // remembered so the form's submit handler does not ask a second time.
  var confirmedForm = null;

  function onClickConfirm(event) {
    var el = closest(event.target, '[data-confirm]');
    if (!el || el.tagName === 'FORM' || el.disabled) {
      return;
    }
    var message = el.getAttribute('data-confirm') || '确定要继续吗？';
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (el.form) {
      // The form itself may also have data-confirm; don't ask twice.
      confirmedForm = el.form;
      window.setTimeout(function () { confirmedForm = null; }, 0);
    }
  }

  function onSubmitConfirm(event) {
    var form = event.target;
    if (!form || form.tagName !== 'FORM') {
      return;
    }
    // A submitter with its own data-confirm was already asked in onClickConfirm
    // (also covers Enter-key submits whose default button carries data-confirm).
    if (confirmedForm === form) {
      return;
    }
    var submitter = event.submitter;
    if (submitter && submitter.hasAttribute('data-confirm')) {
      return;
    }
    if (!form.hasAttribute('data-confirm')) {
      return;
    }
    var message = form.getAttribute('data-confirm') || '确定要提交吗？';
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  /* ---------------------------------------------------------------- */
  /* Auto-submit                                                       */
  /* ---------------------------------------------------------------- */

  function onChangeAutosubmit(event) {
    var el = event.target;
    if (!el || !el.hasAttribute || !el.hasAttribute('data-autosubmit')) {
      return;
    }
    var form = el.form;
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(); // fires the submit event (so data-confirm still works)
    } else {
      form.submit();
    }
  }

  /* ---------------------------------------------------------------- */
  /* Select-all checkbox                                               */
  /* ---------------------------------------------------------------- */

  function targetsOf(master) {
    var name = master.getAttribute('data-select-all');
    if (!name) {
      return [];
    }
    // form.elements also includes controls tied to the form by form="id".
    var candidates = master.form ?
      Array.prototype.slice.call(master.form.elements) :
      all('input[type="checkbox"]');
    return candidates.filter(function (box) {
      return box.type === 'checkbox' && box !== master && box.name === name && !box.disabled;
    });
  }

  function syncMaster(master) {
    var boxes = targetsOf(master);
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    master.checked = boxes.length > 0 && checked === boxes.length;
    master.indeterminate = checked > 0 && checked < boxes.length;
  }

  function onChangeSelectAll(event) {
    var el = event.target;
    if (!el || el.type !== 'checkbox') {
      return;
    }
    if (el.hasAttribute('data-select-all')) {
      var state = el.checked;
      var changed = targetsOf(el).filter(function (box) {
        if (box.checked === state) {
          return false;
        }
        box.checked = state;
        return true;
      });
      // Let other scripts (e.g. a "N selected" counter) hear about it.
      // Done after all boxes are set so the master is not resynced midway.
      changed.forEach(function (box) {
        box.dispatchEvent(new Event('change', { bubbles: true }));
      });
      el.checked = state;
      el.indeterminate = false;
      return;
    }
    // A single row checkbox changed: update any master that controls it.
    all('input[type="checkbox"][data-select-all]').forEach(function (master) {
      if (master.getAttribute('data-select-all') === el.name) {
        syncMaster(master);
      }
    });
  }

  function setupSelectAll() {
    all('input[type="checkbox"][data-select-all]').forEach(syncMaster);
  }

  /* ---------------------------------------------------------------- */
  /* Print                                                             */
  /* ---------------------------------------------------------------- */

  function onClickPrint(event) {
    var el = closest(event.target, '[data-print]');
    if (!el) {
      return;
    }
    event.preventDefault();
    window.print();
  }

  /* ---------------------------------------------------------------- */
  /* Progress bars                                                     */
  /* ---------------------------------------------------------------- */

  // Huaxi.setProgress(barElement, percent) — also used for data-value on load.
  Huaxi.setProgress = function (bar, value) {
    if (!bar) {
      return;
    }
    var n = Number(value);
    if (!isFinite(n)) {
      return;
    }
    n = Math.max(0, Math.min(100, n));
    bar.style.width = n + '%';
    bar.setAttribute('data-value', String(n));
    var host = bar.parentElement && bar.parentElement.classList.contains('progress') ?
      bar.parentElement : bar;
    host.setAttribute('role', 'progressbar');
    host.setAttribute('aria-valuemin', '0');
    host.setAttribute('aria-valuemax', '100');
    host.setAttribute('aria-valuenow', String(Math.round(n)));
    if (!host.hasAttribute('aria-label') && !host.hasAttribute('aria-labelledby')) {
      host.setAttribute('aria-label', host.getAttribute('data-label') || '进度');
    }
  };

  function setupProgress() {
    all('.progress-bar[data-value]').forEach(function (bar) {
      Huaxi.setProgress(bar, bar.getAttribute('data-value'));
    });
  }

  /* ---------------------------------------------------------------- */
  /* Filters: open on wide screens, collapsible on phones              */
  /* ---------------------------------------------------------------- */

  function setupFilters() {
    if (!window.matchMedia || !window.matchMedia('(min-width: 720px)').matches) {
      return;
    }
    all('details.filters-details').forEach(function (details) {
      if (!details.hasAttribute('data-keep-closed')) {
        details.open = true;
      }
    });
  }

  /* ---------------------------------------------------------------- */
  /* Boot                                                              */
  /* ---------------------------------------------------------------- */

  function init() {
    setupNav();
    setupSelectAll();
    setupProgress();
    setupFilters();
  }

  document.addEventListener('click', onClickConfirm, true);
  document.addEventListener('click', onClickPrint);
  document.addEventListener('submit', onSubmitConfirm, true);
  document.addEventListener('change', onChangeSelectAll);
  document.addEventListener('change', onChangeAutosubmit);

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
