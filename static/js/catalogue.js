// The catalogue's filters: short bookmarkable addresses, a value the browser refuses said at
// its field, and a request that fails said beside the filters, with Retry, so the table is
// never taken for the filtered one when it is not.
(function () {
  "use strict";

  var MESSAGES = {
    network:
      "Could not reach neuromatch: the connection dropped. The programs below are not the ones " +
      "you asked for yet.",
    server:
      "neuromatch had a problem (error {status}). The programs below are not the ones you " +
      "asked for yet.",
    signedOut: "You were signed out — sign in again to see the programs you asked for.",
  };
  // After the filters, announced but not focused: the user may be typing in the search box.
  var PROBLEM = { className: "form-errors catalogue-problem", marker: "catalogue-problem", focus: false };

  var problems = window.neuromatchProblems;

  function filters() {
    return document.querySelector("form.filters-card");
  }

  // The filters form, or a page link of the results: the catalogue's own requests.
  function catalogueSource(evt) {
    var elt = problems.sourceOf(evt);
    if (!elt || !elt.closest) return null;
    return elt.closest("form.filters-card") || elt.closest("#results");
  }

  // Leave empty filters out of the query string.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form.filters-card")) return;
    var data = event.detail.formData;
    Array.from(data.keys()).forEach(function (key) {
      if (data.get(key) === "") data.delete(key);
    });
  });

  // A number out of range stops the request before it is sent: say so at the field.
  document.addEventListener("htmx:validation:halted", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form.filters-card")) form.reportValidity();
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = filters();
    if (form && event.detail.successful && catalogueSource(event)) problems.clear(form, PROBLEM);
  });

  problems.onFailure(function (evt, status, xhr) {
    var source = catalogueSource(evt);
    var form = filters();
    if (!source || !form) return;
    var here = location.pathname + location.search;
    if (status === 401) {
      problems.show(form, MESSAGES.signedOut, [
        { label: "Sign in again", href: problems.signInHref(xhr, here) },
      ], PROBLEM);
      return;
    }
    var text = status ? MESSAGES.server.replace("{status}", status) : MESSAGES.network;
    var origin = problems.sourceOf(evt);
    problems.show(form, text, [
      {
        label: "Retry",
        run: function () {
          if (origin.tagName === "FORM") origin.requestSubmit();
          else origin.click();
        },
      },
    ], PROBLEM);
  });
})();
