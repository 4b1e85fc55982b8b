/* Cookie banner: send the choice without a reload. Without JavaScript the form posts as usual. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-consent-banner]");
  if (!form || !window.fetch || !window.FormData) return;
  var pressed = null;
  form.addEventListener("click", function (event) {
    if (event.target.name === "choice") pressed = event.target;
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter || pressed;
    if (!button) return;
    event.preventDefault();
    var data = new FormData(form);
    data.set("choice", button.value);
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),  /* urlencoded: the server's cheapest form body */
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("consent not saved");
      var banner = document.getElementById("consent-banner");
      banner.parentNode.removeChild(banner);
      var main = document.getElementById("main");
      if (main) main.focus();
    }).catch(function () {
      /* Fall back to the ordinary form post, which shows any error as a page. */
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "choice";
      field.value = button.value;
      form.appendChild(field);
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
