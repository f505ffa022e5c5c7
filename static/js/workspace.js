// The list workspace (/list/): every htmx write reports what happened. The server says where
// focus goes and what to announce (the "nm:written" event); this file shows failures next to
// the control with a Retry, puts back the value the server last confirmed, keeps unsaved notes
// through swaps of their row, and lets only the last status chosen be saved.
(function () {
  "use strict";

  var MESSAGES = {
    network: "Could not reach neuromatch: the connection dropped. This change was not saved.",
    loadFailed: "Could not load this ({reason}); what is shown has not changed.",
    csrf:
      "neuromatch refused this change because this page's security token is out of date " +
      "(for example after signing in again in another tab). It was not saved.",
    gone:
      "This program is no longer on your list: a rebuild or another tab removed it. " +
      "Nothing was saved. Reload the page to see your list as it is saved.",
    conflict:
      "This changed in another tab at the same time, so it was not saved. " +
      "Reload the page to see what is saved, or try again.",
    server: "neuromatch had a problem (error {status}) and did not confirm this change.",
    refused: "This change was refused (error {status}).",
    signedOut: "You were signed out — sign in again. This change was not saved.",
    putBack: " The page shows the last value neuromatch confirmed.",
    keptNote: " Your text is still in the note box.",
  };

  function announce(text) {
    var region = document.getElementById("write-status");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  var problems = window.neuromatchProblems;
  var sourceOf = problems.sourceOf;
  var PROBLEM = { className: "write-problem", marker: "write-problem" };

  // The workspace's own requests (the search results are swapped in beside it).
  function inWorkspace(elt) {
    return elt && elt.closest && (elt.closest("#workspace") || elt.closest("#search-results"));
  }

  // A request that hangs is reported like a dropped connection (htmx:timeout below).
  if (window.htmx && !htmx.config.timeout) {
    htmx.config.timeout = 30000;
  }

  function statusSelect(form) {
    return form && form.classList && form.classList.contains("status-form")
      ? form.querySelector("select")
      : null;
  }

  // The value the server last confirmed: the option it rendered as selected.
  function confirm(select, value) {
    Array.prototype.forEach.call(select.options, function (option) {
      option.defaultSelected = option.value === value;
    });
  }

  function putBack(form) {
    var select = statusSelect(form);
    if (!select) {
      return false;
    }
    Array.prototype.forEach.call(select.options, function (option) {
      option.selected = option.defaultSelected;
    });
    return true;
  }

  // The Undo a status answer offered (none when the change cleared nothing), for the next one.
  function carryUndo(form, html) {
    var answer = document.createElement("template");
    answer.innerHTML = html;
    var offered = answer.content.querySelector(".undo-form input[name=token]");
    var carried = form.querySelector("input[name=undo]");
    if (!offered) {
      if (carried) {
        carried.remove();
      }
      return;
    }
    if (!carried) {
      carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = "undo";
      form.insertBefore(carried, form.firstChild);
    }
    carried.value = offered.value;
  }

  function clearProblem(form) {
    problems.clear(form, PROBLEM);
  }

  function showProblem(form, text, actions) {
    var box = problems.show(form, text, actions, PROBLEM);
    // A control disabled while its request ran (a note's Save, `hx-disabled-elt`) lost focus,
    // or is about to (browsers move it off a disabled control when they next draw): it lands
    // on what went wrong instead, so a keyboard user is not sent to the top of the page.
    var active = document.activeElement;
    var disabled = form.hasAttribute("hx-disabled-elt") && form.contains(active);
    if (!active || active === document.body || disabled) {
      box.setAttribute("tabindex", "-1");
      box.focus();
    }
  }

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // Take the token the browser holds now (it changes when the user signs in again elsewhere).
  function refreshToken() {
    var token = csrfCookie();
    if (!token) {
      return;
    }
    var headers = {};
    try {
      headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      headers = {};
    }
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }

  function retryAction(form, eventName, intended, before) {
    return {
      label: "Retry",
      run: function () {
        if (!document.body.contains(form)) {
          window.location.reload();
          return;
        }
        if (before) {
          before();
        }
        var select = statusSelect(form);
        if (select && intended !== undefined) {
          select.value = intended;
        }
        htmx.trigger(form, eventName);
      },
    };
  }

  function failed(evt, status, xhr) {
    var form = sourceOf(evt);
    if (!inWorkspace(form)) {
      return;
    }
    if (form.tagName !== "FORM") {
      form = form.closest("form") || form;
    }
    var config = evt.detail.requestConfig || {};
    var trigger = config.triggeringEvent ? config.triggeringEvent.type : "submit";
    var intended = form.dataset.sent;
    var tail = putBack(form) ? MESSAGES.putBack : "";
    if (form.classList.contains("notes-form")) {
      tail = MESSAGES.keptNote;
    }
    var reload = { label: "Reload the page", href: window.location.href };
    if (config.verb === "get" && status !== 401) {
      // A filter or a search: nothing was written, only the view did not change.
      var reason = status ? "error " + status : "no connection";
      showProblem(form, MESSAGES.loadFailed.replace("{reason}", reason), [
        retryAction(form, trigger),
      ]);
      return;
    }
    if (status === 401) {
      var href = problems.signInHref(xhr, window.location.pathname + window.location.search);
      showProblem(form, MESSAGES.signedOut, [{ label: "Sign in again", href: href }]);
      return;
    }
    var text;
    var actions = [retryAction(form, trigger, intended)];
    if (status === 0) {
      text = MESSAGES.network;
    } else if (status === 403) {
      text = MESSAGES.csrf;
      actions = [retryAction(form, trigger, intended, refreshToken), reload];
    } else if (status === 404) {
      text = MESSAGES.gone;
      actions = [reload];
    } else if (status === 409) {
      text = MESSAGES.conflict;
      actions.push(reload);
    } else if (status >= 500) {
      text = MESSAGES.server.replace("{status}", status);
    } else {
      text = MESSAGES.refused.replace("{status}", status);
    }
    showProblem(form, text + tail, actions);
  }

  // Where on the screen the row that made the request was: the row, or the notice that takes
  // its place, stays there even when the table reflows around it.
  var keptPlace = null;

  // Unsaved notes (open editors with text not saved) inside what a swap replaces.
  var keptNotes = {};

  function keepNotes(target, saving) {
    if (!target || !target.querySelectorAll) {
      return;
    }
    target.querySelectorAll(".notes-form textarea").forEach(function (box) {
      var form = box.form;
      var details = box.closest("details");
      if (form === saving || !box.id) {
        return;
      }
      if (box.value === box.defaultValue && !(details && details.open)) {
        return;
      }
      keptNotes[box.id] = {
        value: box.value,
        basedOn: form.elements.based_on ? form.elements.based_on.value : null,
        open: details ? details.open : false,
      };
    });
  }

  function restoreNotes() {
    Object.keys(keptNotes).forEach(function (id) {
      var box = document.getElementById(id);
      var kept = keptNotes[id];
      if (box) {
        box.value = kept.value;
        if (kept.basedOn !== null && box.form.elements.based_on) {
          box.form.elements.based_on.value = kept.basedOn;
        }
        var details = box.closest("details");
        if (details && kept.open) {
          details.open = true;
        }
      }
    });
    keptNotes = {};
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    var select = statusSelect(sourceOf(evt));
    if (select) {
      sourceOf(evt).dataset.sent = select.value;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = sourceOf(evt);
    if (elt.tagName === "FORM") {
      clearProblem(elt);
    }
    var busy = elt.closest("tr") || evt.detail.target;
    if (busy) {
      busy.setAttribute("aria-busy", "true");
      elt.dataset.busy = busy.id || "";
    }
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var id = sourceOf(evt).dataset.busy;
    var busy = (id && document.getElementById(id)) || evt.detail.target;
    if (busy) {
      busy.removeAttribute("aria-busy");
    }
  });

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var elt = sourceOf(evt);
    if (!inWorkspace(elt)) {
      return;
    }
    // A redirect followed to the sign-in page: never show that page inside the list.
    if (xhr.responseURL && /\/accounts\/login\//.test(new URL(xhr.responseURL).pathname)) {
      evt.detail.shouldSwap = false;
      failed(evt, 401, null);
      return;
    }
    // A note saved over a newer one: the row comes back with both texts and the choice.
    if (xhr.status === 409 && xhr.responseText.indexOf("note-conflict") >= 0) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
    if (!evt.detail.shouldSwap) {
      return;
    }
    var select = statusSelect(elt);
    if (select && select.value !== elt.dataset.sent) {
      // The user chose again while this was saving: the queued request brings the row, and
      // carries this answer's Undo, so that its own Undo goes back to before the first step.
      evt.detail.shouldSwap = false;
      confirm(select, elt.dataset.sent);
      carryUndo(elt, xhr.responseText);
      return;
    }
    keepNotes(evt.detail.target, elt.closest("form"));
    var row = elt.closest("tr");
    keptPlace = row ? row.getBoundingClientRect().top : null;
  });

  document.addEventListener("htmx:afterSwap", restoreNotes);

  problems.onFailure(failed);

  document.addEventListener("nm:written", function (evt) {
    var detail = evt.detail || {};
    var active = document.activeElement;
    var lost = !active || active === document.body || !document.body.contains(active);
    var place = detail.focus ? document.querySelector(detail.focus) : null;
    if (place && (lost || evt.target === document.body || evt.target.contains(active))) {
      if (!place.matches("a, button, input, select, textarea, summary, [tabindex]")) {
        place.setAttribute("tabindex", "-1");
      }
      place.focus({ preventScroll: true });
      var row = place.closest("tr");
      if (row && keptPlace !== null) {
        window.scrollBy(0, row.getBoundingClientRect().top - keptPlace);
      }
      place.scrollIntoView({ block: "nearest" });
    }
    keptPlace = null;
    announce(detail.announce);
  });
})();
