// A table box that scrolls (a wide table on a phone, a long one under its sticky header) must
// be reachable by keyboard (WCAG 2.1.1): while it scrolls it takes focus, as a named region.
(function () {
  "use strict";

  function nameOf(wrap) {
    const caption = wrap.querySelector("caption");
    if (caption) return caption.textContent.trim();
    const labelled = wrap.closest("[aria-labelledby]");
    const heading = labelled && document.getElementById(labelled.getAttribute("aria-labelledby").split(" ")[0]);
    if (heading) return heading.textContent.trim();
    for (let node = wrap.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.trim();
    }
    return "Table";
  }

  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", nameOf(wrap) + " (scrolls)");
        wrap.dataset.scrolls = "";
      } else if (!scrolls && "scrolls" in wrap.dataset) {
        ["tabindex", "role", "aria-label", "data-scrolls"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }

  let pending = 0;
  function soon() {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  }

  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", soon);
  document.addEventListener("htmx:afterSettle", soon);
  document.addEventListener("toggle", soon, true); // a <details> opening can widen a table
})();
