// The catalogue import page: upload progress, and a message for every request that fails
// (no connection, a server error, a session that ended), worded like the list workspace's,
// announced (role=alert) and focused, so the editor knows whether anything was written.
(function () {
  "use strict";

  var MESSAGES = {
    network: "Could not reach neuromatch: the connection dropped. Nothing was imported: try again.",
    networkConfirm:
      "Could not reach neuromatch: the connection dropped before it confirmed this import, " +
      "so it may not have been imported. Reload the import page to see the catalogue's state " +
      "(Recent imports lists every applied file).",
    server:
      "neuromatch had a problem (error {status}) and did not read this file. " +
      "Nothing was imported: try again.",
    serverConfirm:
      "neuromatch had a problem (error {status}) and did not confirm this import: it may not " +
      "have been imported. Reload the import page to see the catalogue's state " +
      "(Recent imports lists every applied file).",
    refused:
      "neuromatch refused this (error {status}): this page's security token is out of date " +
      "(for example after signing in again in another tab), or your account may no longer " +
      "edit the catalogue. Nothing was imported: reload the import page.",
    signedOut: "You were signed out — sign in again. Nothing was imported.",
  };

  var problems = window.neuromatchProblems;
  var sourceOf = problems.sourceOf;
  // Above the form that sent the request, focused, in the page's error style.
  var PROBLEM = {
    className: "form-errors import-problem",
    marker: "import-problem",
    before: true,
    focus: true,
  };

  // The form that made one of this page's requests, or null for any other request.
  function importForm(evt) {
    var elt = sourceOf(evt);
    if (!elt || !elt.closest || !elt.closest("#import-step")) {
      return null;
    }
    return elt.tagName === "FORM" ? elt : elt.closest("form");
  }

  function clearProblem(form) {
    problems.clear(form, PROBLEM);
  }

  function showProblem(form, text, link) {
    problems.show(form, text, link ? [link] : [], PROBLEM);
  }

  function failed(evt, status, xhr) {
    var form = importForm(evt);
    if (!form) {
      return;
    }
    var confirming = form.classList.contains("confirm-form");
    // Requests here never change the address: it is the import page's.
    var page = window.location.pathname;
    var reload = { label: "Reload the import page", href: page };
    if (status === 401) {
      var signIn = { label: "Sign in again", href: problems.signInHref(xhr, page) };
      showProblem(form, MESSAGES.signedOut, signIn);
    } else if (status === 0) {
      var lost = confirming ? MESSAGES.networkConfirm : MESSAGES.network;
      showProblem(form, lost, confirming ? reload : null);
    } else if (status >= 500) {
      var text = confirming ? MESSAGES.serverConfirm : MESSAGES.server;
      showProblem(form, text.replace("{status}", status), confirming ? reload : null);
    } else {
      showProblem(form, MESSAGES.refused.replace("{status}", status), reload);
    }
  }

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("upload-progress");
    if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var bar = document.getElementById("upload-progress");
    if (bar) bar.value = 0;
    var form = importForm(evt);
    if (form) {
      clearProblem(form);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    // A redirect followed to the sign-in page: never show that page inside the import step.
    var url = xhr.responseURL ? new URL(xhr.responseURL) : null;
    if (importForm(evt) && url && /\/accounts\/login\//.test(url.pathname)) {
      evt.detail.shouldSwap = false;
      failed(evt, 401, null);
    }
  });

  // Each answer replaces the whole step, and with it the control that had focus: focus goes
  // to what the answer says first, the problem with the file or the new step's heading.
  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail.target;
    var step = document.getElementById("import-step");
    if (!step || !target || target.id !== "import-step") return;
    // The same places arrival.js picks when the step came as a whole page (a form sent before
    // htmx had started): the problem, else the heading marked as the answer, else the file field.
    var first =
      step.querySelector(".form-errors, [aria-invalid=true]") ||
      step.querySelector("[data-arrive]") ||
      step.querySelector("input[type=file]");
    if (!first) return;
    if (!first.matches("input, select, textarea, button, a[href], [tabindex]")) first.tabIndex = -1;
    first.focus();
  });

  problems.onFailure(failed);
})();
