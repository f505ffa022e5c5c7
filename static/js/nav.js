// On a phone the main menu folds behind a "Menu" button, so a page starts with its content,
// not with three rows of links; the Staff list closes on Escape or a click elsewhere. Loaded without defer: the page is marked before it is first
// drawn, so the menu never shows and then folds. Without this script the menu stays open.
(function () {
  "use strict";

  document.documentElement.classList.add("nav-folds");

  function toggleOf(menu) {
    return document.querySelector('[aria-controls="' + menu.id + '"]');
  }

  function setOpen(button, open) {
    const menu = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", String(open));
    if (menu) menu.classList.toggle("open", open);
  }

  // Delegated, so a header replaced by a later page load or swap needs no wiring again.
  document.addEventListener("click", function (event) {
    const button = event.target.closest(".nav-toggle");
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });

  // The Staff list closes when a click lands elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".nav-staff details[open]").forEach(function (list) {
      if (!list.contains(event.target)) list.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const staff = event.target.closest && event.target.closest(".nav-staff details[open]");
    if (staff) {  // Escape closes the Staff list first, back on its summary
      staff.open = false;
      staff.querySelector("summary").focus();
      return;
    }
    const menu = event.target.closest && event.target.closest(".nav-menu.open");
    const button = menu && toggleOf(menu);
    if (!button) return;
    setOpen(button, false);
    button.focus();
  });
})();
