// Starts Swagger UI on /api/docs; kept out of the page so the CSP needs no inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.getAttribute("data-csrf-token");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    // signed in by the session cookie, the API's writes need the page's CSRF token
    requestInterceptor: function (request) {
      request.headers["X-CSRF-Token"] = csrfToken;
      return request;
    },
  });
});
