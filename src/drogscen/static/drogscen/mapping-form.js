/* The mapping form: after each change, ask the server which questions apply (the
   relevance rules live in the questionnaire definition) and show or hide them. Inputs
   are never replaced, so nothing typed is lost; only the newest answer is applied. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-relevance-url]");
  if (!form) { return; }
  var latest = 0;
  function update() {
    var ticket = ++latest;
    fetch(form.dataset.relevanceUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (ticket !== latest) { return; }
      var relevant = new Set(data.relevant);
      form.querySelectorAll("[data-question]").forEach(function (element) {
        element.hidden = !relevant.has(element.dataset.question);
      });
      form.setAttribute("data-relevance", "ready");
    }).catch(function () { /* the server checks relevance again on saving */ });
  }
  form.addEventListener("change", update);
})();
