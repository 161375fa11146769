/*
 * Delegate pages: similar-suggestion hints, draft autosave, nothing typed lost.
 *
 * form#suggestion-form[data-autosave-url][data-similar-url][data-draft-key][data-pk]
 *   - while the title is typed (debounced; with the body once it is written) asks
 *     data-similar-url for up to ten similar registered suggestions of every session
 *     and lists them in #similar-list (unpublished ones of others without a link);
 *   - every 20 s (when something changed) and when a field loses focus, posts
 *     the text fields to data-autosave-url; the first save turns the "new"
 *     page into the draft's edit page;
 *   - keeps a copy of what is typed in localStorage, so an expired login or a
 *     lost connection loses nothing: the copy is restored when the form is
 *     opened again and the server does not have it yet.
 * .rating-form: choosing 不满意 makes the comment required.
 *
 * No inline script (CSP); text is inserted with textContent only.
 */
(function () {
  'use strict';

  var PREFIX = 'huaxi-draft:';
  var PENDING = 'huaxi-draft-pending';
  var FIELDS = ['title', 'category', 'series', 'body'];
  var AUTOSAVE_MS = 20000;
  var DEBOUNCE_MS = 400;

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem('huaxi-test', '1');
      s.removeItem('huaxi-test');
      return s;
    } catch (e) {
      return null;
    }
  }

  function session() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function readValues(form) {
    var values = {};
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      if (!el) {
        return;
      }
      values[name] = el.value !== undefined ? el.value : '';
    });
    return values;
  }

  function writeValues(form, values) {
    FIELDS.forEach(function (name) {
      if (values[name] === undefined || values[name] === null) {
        return;
      }
      var el = form.elements[name];
      if (!el) {
        return;
      }
      if (el.length !== undefined && el.tagName !== 'SELECT') { // radio group
        Array.prototype.forEach.call(el, function (radio) {
          radio.checked = radio.value === values[name];
        });
      } else {
        el.value = values[name];
      }
    });
  }

  function same(a, b) {
    return FIELDS.every(function (name) {
      return (a[name] || '') === (b[name] || '');
    });
  }

  function hasText(values) {
    return Boolean((values.title || '').trim() || (values.body || '').trim());
  }

  function setupSuggestionForm(form) {
    var store = storage();
    var status = document.getElementById('autosave-status');
    var key = form.getAttribute('data-draft-key') || 'new';
    var lastSaved = readValues(form);
    var inflight = null; // the autosave request under way, if any
    var loginLost = false;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function keep() {
      if (!store) {
        return;
      }
      var values = readValues(form);
      if (!hasText(values)) {
        return;
      }
      values.savedAt = new Date().toISOString();
      try {
        store.setItem(PREFIX + key, JSON.stringify(values));
      } catch (e) { /* storage full: nothing more we can do */ }
    }

    function forget(k) {
      if (store) {
        store.removeItem(PREFIX + k);
      }
    }

    // Restore what the server does not have (expired login, lost connection).
    var pendingStore = session();
    var pending = pendingStore && pendingStore.getItem(PENDING);
    if (pendingStore) {
      pendingStore.removeItem(PENDING);
    }
    if (pending && pending !== key) {
      forget(pending); // we came here from a successful save of another key (e.g. "new")
    }
    if (store) {
      var raw = store.getItem(PREFIX + key);
      if (raw) {
        try {
          var saved = JSON.parse(raw);
          if (hasText(saved) && !same(saved, readValues(form))) {
            writeValues(form, saved);
            say('已恢复您上次没有保存的内容，请检查后保存。');
          }
        } catch (e) {
          forget(key);
        }
      }
    }

    function complete(values) {
      return (values.title || '').trim() && (values.body || '').trim() && values.category;
    }

    function autosave() {
      var values = readValues(form);
      if (inflight || same(values, lastSaved) || !complete(values)) {
        return;
      }
      var data = new FormData();
      var token = form.elements.csrfmiddlewaretoken;
      data.append('csrfmiddlewaretoken', token ? token.value : '');
      FIELDS.forEach(function (name) {
        data.append(name, values[name] || '');
      });
      var pk = form.getAttribute('data-pk');
      if (pk) {
        data.append('pk', pk);
      }
      inflight = fetch(form.getAttribute('data-autosave-url'), {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-Requested-With': 'XMLHttpRequest' }
      }).then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      }).then(function (result) {
        var body = result.body || {};
        if (result.status === 401) {
          loginLost = true;
          keep();
          say(body.message || '登录已过期，内容已保存在本机，重新登录后会自动恢复。');
          if (status) {
            status.className = 'alert alert-warning';
            var link = document.createElement('a');
            link.href = form.getAttribute('data-login-url') + '?next=' +
              encodeURIComponent(window.location.pathname);
            link.textContent = '重新登录';
            status.appendChild(document.createTextNode(' '));
            status.appendChild(link);
          }
          return;
        }
        if (!body.ok) {
          if (body.message) {
            say(body.message);
          }
          return;
        }
        lastSaved = values;
        loginLost = false;
        if (status) {
          status.className = 'small muted';
        }
        if (!pk && body.pk) {
          forget(key);
          key = String(body.pk);
          form.setAttribute('data-pk', key);
          form.setAttribute('data-draft-key', key);
          form.action = body.edit_url;
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, '', body.edit_url);
          }
        }
        if (same(readValues(form), values)) {
          forget(key);
        }
        say(body.message || '草稿已自动保存。');
      }).catch(function () {
        keep();
        say('暂时没能自动保存（可能是网络断了），内容已保存在本机。');
      }).then(function () {
        inflight = null;
      });
    }

    form.addEventListener('input', keep);
    form.addEventListener('change', keep);
    form.addEventListener('focusout', function (event) {
      if (event.target && FIELDS.indexOf(event.target.name) !== -1) {
        autosave();
      }
    });
    window.setInterval(autosave, AUTOSAVE_MS);
    form.addEventListener('submit', function (event) {
      if (inflight) {
        // Clicking a button first blurs a field, which starts an autosave; wait for
        // it, so the draft it creates is the one this submit updates (no duplicate).
        event.preventDefault();
        var submitter = event.submitter;
        inflight.then(function () {
          if (typeof form.requestSubmit === 'function') {
            form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
          } else {
            form.submit();
          }
        });
        return;
      }
      keep();
      if (pendingStore) {
        pendingStore.setItem(PENDING, key);
      }
    });
    window.addEventListener('pagehide', function () {
      if (!same(readValues(form), lastSaved) || loginLost) {
        keep();
      }
    });

    setupSimilar(form);
  }

  function setupSimilar(form) {
    var title = form.elements.title;
    var box = document.getElementById('similar-box');
    var list = document.getElementById('similar-list');
    var url = form.getAttribute('data-similar-url');
    if (!title || !box || !list || !url) {
      return;
    }
    var timer = null;
    var asked = '';

    function render(results) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      results.forEach(function (item) {
        var li = document.createElement('li');
        if (item.url) {
          var a = document.createElement('a');
          a.href = item.url;
          a.textContent = item.title;
          a.target = '_blank';
          a.rel = 'noopener';
          li.appendChild(a);
        } else {
          li.appendChild(document.createTextNode(item.title));
        }
        var parts = [item.session];
        if (item.number) {
          parts.push(item.number);
        }
        parts.push(item.status);
        if (item.outcome) {
          parts.push('办理结果：' + item.outcome);
        }
        li.appendChild(document.createTextNode('（' + parts.join(' · ') + '）'));
        list.appendChild(li);
      });
      box.hidden = results.length === 0;
    }

    var body = form.elements.body;

    function ask() {
      var text = title.value.trim();
      if (text.length < 2) {
        render([]);
        asked = '';
        return;
      }
      // The body, once typed, says more about the subject than a title does (its first 400 characters: the
      // address stays well inside a proxy's 8 KB request line).
      var more = body ? body.value.trim().slice(0, 400) : '';
      var key = text + '\n' + more;
      if (key === asked) {
        return;
      }
      asked = key;
      var query = '?title=' + encodeURIComponent(text);
      if (more) {
        query += '&body=' + encodeURIComponent(more);
      }
      var pk = form.getAttribute('data-pk');
      if (pk) {
        query += '&exclude=' + encodeURIComponent(pk);
      }
      fetch(url + query, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (body) {
          if (asked === key) {
            render(body.results || []);
          }
        })
        .catch(function () { /* a hint only: ignore */ });
    }

    title.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DEBOUNCE_MS);
    });
    if (body) {
      body.addEventListener('change', ask);
    }
    if (title.value.trim()) {
      ask();
    }
  }

  function setupRatingForms() {
    Array.prototype.forEach.call(document.querySelectorAll('form.rating-form'), function (form) {
      var comment = form.querySelector('textarea');
      if (!comment) {
        return;
      }
      function sync() {
        var chosen = form.querySelector('input[type="radio"]:checked');
        var required = Boolean(chosen && chosen.value === 'unsatisfied');
        comment.required = required;
        comment.setAttribute('aria-required', required ? 'true' : 'false');
      }
      form.addEventListener('change', sync);
      sync();
    });
  }

  function init() {
    var form = document.getElementById('suggestion-form');
    if (form) {
      setupSuggestionForm(form);
    } else {
      // Not the form: if a save was just posted from a form, it went through.
      var pendingStore = session();
      var store = storage();
      var pending = pendingStore && pendingStore.getItem(PENDING);
      if (pending) {
        pendingStore.removeItem(PENDING);
        if (store) {
          store.removeItem(PREFIX + pending);
        }
      }
    }
    setupRatingForms();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
