/* Idle timeout warning: the server ends a session after SESSION_IDLE_SECONDS without a request.
   At the warning time the banner appears; "继续使用" posts to the stay URL, which counts as activity. */
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) return;
  var warnAfter = parseInt(box.getAttribute("data-warn-seconds"), 10) * 1000;
  var endAfter = parseInt(box.getAttribute("data-end-seconds"), 10) * 1000;
  var warnTimer = null;
  var endTimer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.hidden = true;
    box.style.display = "none";
    warnTimer = setTimeout(function () {
      box.hidden = false;
      box.style.display = "";
      var button = box.querySelector("[data-idle-stay]");
      if (button) button.focus();
    }, warnAfter);
    endTimer = setTimeout(function () {
      window.location.href = box.getAttribute("data-login-url") + "?next=" + encodeURIComponent(window.location.pathname);
    }, endAfter);
  }

  box.querySelector("[data-idle-stay]").addEventListener("click", function () {
    fetch(box.getAttribute("data-stay-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
    }).then(function (response) {
      if (response.ok) {
        schedule();
      } else {
        window.location.href = box.getAttribute("data-login-url");
      }
    });
  });

  schedule();
})();
