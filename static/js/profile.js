// Profile form, "Attempts" and "Where you apply": the page works without this script (native
// disclosures, plain checkboxes). With it, the summary lines follow the fields, and each long
// state list gets a filter box and becomes one tab stop (arrow keys move, Space ticks).
(function () {
  "use strict";

  var SHOWN = 4;

  function labelOf(box) {
    return box.parentElement.textContent.trim();
  }

  function ticked(group) {
    return Array.prototype.map.call(group.querySelectorAll("input[type=checkbox]:checked"), labelOf);
  }

  // The same wording as the server renders in the disclosure's summary.
  function listNames(names) {
    if (!names.length) {
      return "none";
    }
    var text = names.slice(0, SHOWN).join(", ");
    return names.length > SHOWN ? text + " and " + (names.length - SHOWN) + " more" : text;
  }

  function refreshSummary(details) {
    details.querySelectorAll("[data-places-for]").forEach(function (part) {
      var name = part.getAttribute("data-places-for");
      var group = details.querySelector("#id_" + name);
      if (!group) {
        return;
      }
      var unit = part.getAttribute("data-unit");
      if (group.tagName === "INPUT" && unit === "programs") {
        part.textContent = group.value + " programs";
      } else if (group.tagName === "INPUT") {
        part.textContent = unit + ": " + group.value + (group.value === "1" ? " attempt" : " attempts");
      } else {
        part.textContent = part.textContent.split(":")[0] + ": " + listNames(ticked(group));
      }
    });
  }

  function visibleBoxes(group) {
    return Array.prototype.filter.call(group.querySelectorAll("input[type=checkbox]"), function (box) {
      return !box.closest("[hidden]");
    });
  }

  // Roving tab stop: only one checkbox of the list is in the tab order.
  function makeCurrent(group, box) {
    group.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      other.tabIndex = other === box ? 0 : -1;
    });
  }

  function resetCurrent(group) {
    var boxes = visibleBoxes(group);
    var checked = boxes.filter(function (box) { return box.checked; });
    makeCurrent(group, checked[0] || boxes[0] || null);
  }

  function moveFocus(group, from, key) {
    var boxes = visibleBoxes(group);
    var at = boxes.indexOf(from);
    var to = at;
    if (key === "ArrowDown" || key === "ArrowRight") {
      to = Math.min(at + 1, boxes.length - 1);
    } else if (key === "ArrowUp" || key === "ArrowLeft") {
      to = Math.max(at - 1, 0);
    } else if (key === "Home") {
      to = 0;
    } else if (key === "End") {
      to = boxes.length - 1;
    } else {
      return false;
    }
    if (boxes[to]) {
      makeCurrent(group, boxes[to]);
      boxes[to].focus();
    }
    return true;
  }

  function enhanceList(field) {
    var group = field.querySelector("div[id^='id_']");
    if (!group || group.hasAttribute("data-enhanced")) {
      return;
    }
    group.setAttribute("data-enhanced", "");
    var legend = field.querySelector(".group-label");
    var name = legend ? legend.textContent.trim() : "states";

    var hint = document.createElement("p");
    hint.className = "small muted places-hint";
    hint.id = group.id + "_keys";
    hint.textContent = "Type to filter. Arrow keys move between states; Space ticks one.";

    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "places-filter";
    filter.setAttribute("aria-label", "Filter " + name.toLowerCase());
    filter.setAttribute("aria-controls", group.id);
    filter.setAttribute("aria-describedby", hint.id);
    filter.autocomplete = "off";

    var count = document.createElement("p");
    count.className = "visually-hidden";
    count.setAttribute("aria-live", "polite");

    var line = document.createElement("p");
    line.className = "chosen small";
    line.setAttribute("aria-live", "polite");

    group.insertAdjacentElement("beforebegin", filter);
    group.insertAdjacentElement("beforebegin", hint);
    group.insertAdjacentElement("afterend", line);
    group.insertAdjacentElement("afterend", count);

    function summarise() {
      var names = ticked(group);
      line.textContent = names.length ? "Ticked: " + names.join(", ") : "None ticked.";
    }

    filter.addEventListener("input", function () {
      var words = filter.value.trim().toLowerCase();
      var shown = 0;
      group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        var item = box.closest("div:not([id])") || box.parentElement;
        var match = !words || labelOf(box).toLowerCase().indexOf(words) !== -1 ||
          box.value.toLowerCase() === words;
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      count.textContent = shown === 1 ? "1 state shown." : shown + " states shown.";
      resetCurrent(group);
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        // Enter would submit the whole form from here; it moves into the list instead.
        event.preventDefault();
        var boxes = visibleBoxes(group);
        if (boxes.length) {
          makeCurrent(group, boxes[0]);
          boxes[0].focus();
        }
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        filter.dispatchEvent(new Event("input"));
      }
    });
    group.addEventListener("keydown", function (event) {
      if (event.target.type !== "checkbox") {
        return;
      }
      if (event.key === "Enter") {
        // Enter on a state ticks it, as Space does, rather than submitting half a form.
        event.preventDefault();
        event.target.click();
      } else if (moveFocus(group, event.target, event.key)) {
        event.preventDefault();
      }
    });
    group.addEventListener("focusin", function (event) {
      if (event.target.type === "checkbox") {
        makeCurrent(group, event.target);
      }
    });
    group.addEventListener("change", summarise);
    group.setAttribute("aria-describedby", hint.id);
    resetCurrent(group);
    summarise();
  }

  function enhance() {
    document.querySelectorAll("[data-chosen-summary]").forEach(enhanceList);
    document.querySelectorAll("[data-places]").forEach(function (details) {
      ["change", "input"].forEach(function (type) {
        details.addEventListener(type, function () {
          refreshSummary(details);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
})();
