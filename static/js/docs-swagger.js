// Starts Swagger UI on /docs (a file, not an inline script, so the page keeps a strict
// Content-Security-Policy).  The schema's address comes from the element's data attribute.
const root = document.getElementById("swagger-ui");

window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  deepLinking: true,
  validatorUrl: null, // the default validator is another host: nothing leaves this server
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
