// Upload progress for the catalogue import form (htmx reports XHR upload progress).
document.addEventListener("htmx:xhr:progress", function (event) {
  var bar = document.getElementById("upload-progress");
  if (!bar || !event.detail.lengthComputable || !event.detail.total) return;
  bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});
document.addEventListener("htmx:beforeRequest", function () {
  var bar = document.getElementById("upload-progress");
  if (bar) bar.value = 0;
});
