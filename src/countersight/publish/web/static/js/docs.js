// Swagger UI for /docs, from the vendored bundle; no validator badge (it would call a remote host).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
});
