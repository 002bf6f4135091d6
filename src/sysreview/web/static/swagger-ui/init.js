/* sysreview: starts Swagger UI on /api/docs. A static file, not an inline script, so
   that the app's Content-Security-Policy (script-src 'self') stays as strict as on
   every other page. Writes ("Try it out") carry the session's CSRF token. Deep links are off: Swagger UI
   would put a link inside each operation's button (axe: nested-interactive). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var reads = { GET: true, HEAD: true, OPTIONS: true };
  /* Swagger UI leaves its request-body box without a label: name it for screen readers. */
  new MutationObserver(function () {
    root.querySelectorAll("textarea.body-param__text:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", "Request body (JSON)");
    });
  }).observe(root, { childList: true, subtree: true });
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: false, /* true puts a link inside each operation's button */
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null, /* never send the schema to validator.swagger.io */
    queryConfigEnabled: false, /* never load a schema named in the address */
    requestInterceptor: function (request) {
      if (!reads[(request.method || "GET").toUpperCase()]) {
        request.headers["X-CSRF-Token"] = root.dataset.csrf;
      }
      return request;
    },
  });
})();
