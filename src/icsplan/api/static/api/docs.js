/* Starts Swagger UI for the icsplan API reference. Kept out of the page so the
   Content-Security-Policy can forbid inline script. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.dataset.csrfToken;
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    // Session writes need the CSRF token; Bearer requests ignore it.
    requestInterceptor: function (req) {
      if (csrfToken) { req.headers["X-CSRFToken"] = csrfToken; }
      return req;
    },
    validatorUrl: null
  });
})();
