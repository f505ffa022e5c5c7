// What the pages that send htmx requests share when one fails: which element sent it, where
// signing in again leads, and the alert box beside the form with its links and buttons.
// workspace.js (the list) and import.js (the catalogue import) word and place their own.
(function () {
  "use strict";

  // The element that made the request (htmx's `elt` can be the swap target in some events).
  function sourceOf(evt) {
    var config = evt.detail.requestConfig;
    return (config && config.elt) || evt.detail.elt;
  }

  // The sign-in page (the server names it on a 401), coming back to `next` afterwards.
  function signInHref(xhr, next) {
    var signIn = (xhr && xhr.getResponseHeader("X-Sign-In-URL")) || "/accounts/login/";
    return signIn + (signIn.indexOf("?") < 0 ? "?" : "&") + "next=" + encodeURIComponent(next);
  }

  // The box stands right after the form (`before`: right before it) and has `className`.
  function neighbour(form, options) {
    return options.before ? form.previousElementSibling : form.nextElementSibling;
  }

  function clear(form, options) {
    var box = neighbour(form, options);
    if (box && box.classList.contains(options.marker)) {
      box.remove();
    }
  }

  // An alert with `text` and, for each action, a link (`href`) or a button that runs it.
  function show(form, text, actions, options) {
    clear(form, options);
    var box = document.createElement("div");
    box.className = options.className;
    box.setAttribute("role", "alert");
    var line = document.createElement("p");
    line.textContent = text;
    box.appendChild(line);
    actions.forEach(function (action) {
      var control;
      if (action.href) {
        control = document.createElement("a");
        control.href = action.href;
      } else {
        control = document.createElement("button");
        control.type = "button";
        control.className = "button small secondary";
        control.addEventListener("click", function () {
          box.remove();
          action.run();
        });
      }
      control.textContent = action.label;
      box.appendChild(control);
    });
    form.insertAdjacentElement(options.before ? "beforebegin" : "afterend", box);
    if (options.focus) {
      box.setAttribute("tabindex", "-1");
      box.focus();
    }
    return box;
  }

  // Call `failed(evt, status, xhr)` for every htmx request that fails: an error answer, no
  // connection (status 0) or no answer in time (status 0 too).
  function onFailure(failed) {
    document.addEventListener("htmx:responseError", function (evt) {
      failed(evt, evt.detail.xhr.status, evt.detail.xhr);
    });
    document.addEventListener("htmx:sendError", function (evt) {
      failed(evt, 0, null);
    });
    document.addEventListener("htmx:timeout", function (evt) {
      failed(evt, 0, null);
    });
  }

  window.neuromatchProblems = {
    onFailure: onFailure,
    sourceOf: sourceOf,
    signInHref: signInHref,
    show: show,
    clear: clear,
  };
})();
