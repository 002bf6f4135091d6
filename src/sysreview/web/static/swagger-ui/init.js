/* sysreview: starts Swagger UI on /api/docs. A static file, not an inline script, so
   that the app's Content-Security-Policy (script-src 'self') stays as strict as on
   every other page. Writes ("Try it out") carry the session's CSRF token. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var reads = { GET: true, HEAD: true, OPTIONS: true };
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
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
