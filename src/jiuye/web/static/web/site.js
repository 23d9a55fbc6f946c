// The site's own script: no inline code anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";
  // htmx requests carry the CSRF token from the one <meta name="csrf-token">.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
  // <a data-back href="/">: back to the previous page when there is one.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
