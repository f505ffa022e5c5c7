// A form sent without htmx loads a whole new page, and focus would start again at its top,
// away from the answer. When this tab has just sent a form, focus goes where the answer is:
// the form's error box or first field with an error; else where the page marks its answer
// to begin; else the message the server left, moved beside the part of the page the address
// points to; else the control that sent the form, found again; else that part; else a form
// posting to the same address; else the heading.
// A page opened by a link keeps the browser's own focus.
(function () {
  "use strict";

  const KEY = "neuromatch:sent";
  const FRESH_MS = 60000;

  // What identifies a sending control across page loads: the form's address, its hidden
  // values (the CSRF token aside) and the button's name and value.
  function signature(form, button) {
    // Attributes, not form.action: a field named "action" hides that property.
    const address = new URL(form.getAttribute("action") || "", location.href).pathname;
    const hidden = Array.from(form.querySelectorAll("input[type=hidden]"))
      .filter(function (input) { return input.name !== "csrfmiddlewaretoken"; })
      .map(function (input) { return input.name + "=" + input.value; });
    const named = button && button.name ? button.name + "=" + button.value : "";
    return [address].concat(hidden, [named]).join("\n");
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return; // htmx sent it
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    // A second Enter or click while the first is on its way would send it twice (two share
    // links, a scenario "already taken" by the first): this page is leaving, once.
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    const button = event.submitter || form.querySelector("[type=submit]");
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ at: Date.now(), sign: signature(form, button) }));
    } catch (error) { /* storage refused: focus simply starts at the top */ }
  });

  // A page restored from the history (Back) can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) { delete form.dataset.sent; });
  });

  // What this tab just sent, used up by the first page to arrive; none for a page reached
  // through the history, whatever happened before.
  function lastSent() {
    try {
      const sent = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
      const how = performance.getEntriesByType("navigation")[0];
      if (how && how.type === "back_forward") return null;
      return sent && Date.now() - sent.at < FRESH_MS ? sent.sign : null;
    } catch (error) {
      return null;
    }
  }

  function target() {
    const id = location.hash.slice(1);
    if (!id) return null;
    try {
      return document.getElementById(decodeURIComponent(id));
    } catch (error) {
      return null;
    }
  }

  // The message goes under the heading of the part the redirect pointed to, or at its top;
  // folded comments there are opened, to show the one just posted.
  function place(region, part) {
    const folded = part.querySelector(":scope > details");
    if (folded) folded.open = true;
    const head = part.querySelector(":scope > h2, :scope > h3");
    if (head) head.after(region);
    else part.prepend(region);
  }

  function buttons(form) {
    return Array.from(form.querySelectorAll("button[type=submit], input[type=submit]"))
      .filter(function (button) { return !button.disabled; });
  }

  // The control that sent the form, on the new page; else the first of another form that
  // posts to the same address (Remove gone, "Rank it" there); else null.
  function sender(sign) {
    const forms = Array.from(document.querySelectorAll("main form[method=post]"));
    for (const form of forms) {
      const same = buttons(form).find(function (button) { return signature(form, button) === sign; });
      if (same) return { button: same, exact: true };
    }
    const address = sign.split("\n")[0];
    for (const form of forms) {
      const first = buttons(form)[0];
      if (first && signature(form, null).split("\n")[0] === address) return { button: first, exact: false };
    }
    return null;
  }

  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) element.tabIndex = -1;
    element.focus();
    // Not flush with an edge of the window, where its focus ring would be cut off.
    const box = element.getBoundingClientRect();
    if (box.top < 24 || box.bottom > window.innerHeight - 24) {
      element.scrollIntoView({ block: box.height > window.innerHeight / 2 ? "start" : "center" });
    }
  }

  // Where focus should land on this page, or null; moves the message beside its part.
  function landing() {
    const sign = lastSent();
    if (!sign) return null; // reached by a link, not by sending a form: focus is the browser's
    // The form's own error box (what went wrong as a whole) if it has one, else its first field
    // with an error: whichever comes first on the page.
    const error = document.querySelector("main .form-errors, main [aria-invalid=true]");
    if (error) return error;
    // A page that answers the form itself (the import's next step) marks where its answer begins.
    const answer = document.querySelector("main [data-arrive]");
    if (answer) return answer;
    const region = document.getElementById("messages");
    const part = target();
    if (region) {
      if (part && !part.matches("table, thead, tbody, tfoot, tr")) place(region, part);
      return region;
    }
    const found = sender(sign);
    // The control used, where it is in the part pointed to (↑ on a program that moved); the
    // part itself where the answer is something else there (a new share link).
    if (found && found.exact && (!part || part.contains(found.button))) return found.button;
    if (part) return part;
    return found ? found.button : document.querySelector("main h1");
  }

  let spot = null;
  // Scrolling to the address's #part clears focus once the page has rendered, after this
  // script has run: focus is put back then too, unless the user has moved it meanwhile.
  function land() {
    const now = document.activeElement;
    if (spot && (!now || now === document.body)) focusOn(spot);
  }

  document.addEventListener("DOMContentLoaded", function () {
    spot = landing();
    land();
  });
  window.addEventListener("load", function () {
    land();
    requestAnimationFrame(function () { setTimeout(land, 0); });
  });
})();
