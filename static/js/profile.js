// Profile form: under each long list of state checkboxes, say which states are ticked,
// so a choice scrolled out of view is not forgotten. Works without it; this only adds the line.
(function () {
  "use strict";

  function summarise(group, line) {
    var names = [];
    group.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      names.push(box.parentElement.textContent.trim());
    });
    line.textContent = names.length ? "Ticked: " + names.join(", ") : "None ticked.";
  }

  function enhance() {
    document.querySelectorAll("[data-chosen-summary]").forEach(function (field) {
      var group = field.querySelector("div[id^='id_']");
      if (!group || field.querySelector(".chosen")) {
        return;
      }
      var line = document.createElement("p");
      line.className = "chosen small";
      line.setAttribute("aria-live", "polite");
      group.insertAdjacentElement("afterend", line);
      summarise(group, line);
      group.addEventListener("change", function () {
        summarise(group, line);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
})();
