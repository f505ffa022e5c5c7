// Keep bookmarkable catalogue addresses short: leave empty filters out of the query string.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  if (!form.matches || !form.matches("form.filters-card")) return;
  var data = event.detail.formData;
  Array.from(data.keys()).forEach(function (key) {
    if (data.get(key) === "") data.delete(key);
  });
});
