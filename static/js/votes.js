// Forms pushed live are rendered without a request, so they carry no CSRF field:
// add the page's token (from <body hx-headers>) when one is submitted.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.querySelector("[name=csrfmiddlewaretoken]")) return;
  try {
    var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    if (!token) return;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "csrfmiddlewaretoken"; input.value = token;
    form.appendChild(input);
  } catch (e) { /* no token: the server answers 403 */ }
});
