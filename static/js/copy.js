// A "Copy" button beside a read-only address (`data-copy` names the field): shown only with
// scripts, it copies the address and says so; where the clipboard is refused, it selects the
// address so the system's own Copy takes it.
(function () {
  "use strict";

  function say(button, text) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) status.textContent = text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    function selected() {
      field.focus();
      field.select();
      say(button, "Selected: copy it with your device's Copy.");
    }
    if (!navigator.clipboard || !window.isSecureContext) {
      selected();
      return;
    }
    navigator.clipboard.writeText(field.value).then(function () {
      say(button, "Copied.");
    }, selected);
  });
})();
