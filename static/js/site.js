/* Forms, made kinder when JavaScript runs (they work the same without it):
   - the error summary takes focus, and its links move focus to their field;
   - required fields and email addresses are checked before sending, with the same messages;
   - password fields get a Show/Hide button;
   - a form with a submission key gets a random one when first sent, kept while its content is
     unchanged (an edited form is a new submission), so the same form sent again (a retry after
     a lost answer, a second click) is stored once
     (website/submissions.py); the page itself carries an empty key, the same for everyone.
   And the English home page's offer of the reader's language (offerLanguage).
   The words come from the page, in its language: the script tag's data-messages (base.html). */
(function () {
  "use strict";

  var words = JSON.parse(document.currentScript.getAttribute("data-messages"));

  function fieldFor(target) {
    var input = document.getElementById(target);
    if (!input) return null;
    return input.closest(".field") || input.parentNode;
  }

  function focusField(id) {
    var input = document.getElementById(id);
    if (!input) return false;
    var box = fieldFor(id);
    var label = box && (box.querySelector("legend") || box.querySelector("label"));
    (label || input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
    return true;
  }

  function wireSummary(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(link.getAttribute("href").slice(1))) event.preventDefault();
    });
  }

  function emailProblem(value) {
    var at = value.lastIndexOf("@");
    if (at < 0) return words.email_no_at;
    if (at === 0) return words.email_no_local;
    var domain = value.slice(at + 1);
    if (!domain) return words.email_no_domain;
    if (domain.indexOf(".") < 0) return words.email_short_domain;
    if (/\s/.test(value)) return words.email_format;
    return null;
  }

  function problemOf(input) {
    var message = input.getAttribute("data-required");
    if (input.type === "radio") {
      var group = input.form.querySelectorAll("input[type=radio][name='" + input.name + "']");
      for (var i = 0; i < group.length; i++) if (group[i].checked) return null;
      return message;
    }
    if (input.type === "checkbox") return input.checked ? null : message;
    var value = input.value.trim();
    if (!value) return message;
    if (input.type === "email") return emailProblem(value);
    return null;
  }

  function clearErrors(form) {
    var old = form.querySelectorAll("[data-inline-error]");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
    var marked = form.querySelectorAll(".field--error[data-inline-marked]");
    for (var j = 0; j < marked.length; j++) {
      marked[j].classList.remove("field--error");
      marked[j].removeAttribute("data-inline-marked");
    }
  }

  function showError(input, message) {
    var box = input.closest(".field");
    var error = document.createElement("p");
    error.className = "field__error";
    error.id = (input.type === "radio" ? input.name : input.id) + "-inline-error";
    error.setAttribute("data-inline-error", "");
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = words.error;
    error.appendChild(hidden);
    error.appendChild(document.createTextNode(" " + message));
    if (box && !box.classList.contains("field--error")) {
      box.classList.add("field--error");
      box.setAttribute("data-inline-marked", "");
    }
    var anchor = input.type === "radio" || input.type === "checkbox" ? box.querySelector(".check") : input.closest(".password-toggle") || input;
    anchor.parentNode.insertBefore(error, anchor);
    input.setAttribute("aria-invalid", "true");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(error.id) < 0) described.push(error.id);
    input.setAttribute("aria-describedby", described.join(" "));
  }

  function buildSummary(form, problems) {
    var summary = form.querySelector("[data-error-summary]");
    if (summary) summary.parentNode.removeChild(summary);
    summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-error-summary", "");
    summary.setAttribute("data-inline-error", "");
    summary.setAttribute("aria-labelledby", "error-summary-title");
    var title = document.createElement("h2");
    title.className = "error-summary__title";
    title.id = "error-summary-title";
    title.textContent = words.problem;
    var list = document.createElement("ul");
    list.className = "error-summary__list";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem.input.id;
      link.textContent = problem.message;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    form.insertBefore(summary, form.firstChild);
    wireSummary(summary);
    summary.focus();
  }

  function checkBeforeSending(event) {
    var form = event.target;
    var inputs = form.querySelectorAll("[data-required], input[type=email]");
    var problems = [];
    var seen = {};
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var key = input.type === "radio" ? "radio:" + input.name : input.id;
      if (seen[key] || input.disabled) continue;
      seen[key] = true;
      var message = problemOf(input);
      if (message) problems.push({ input: input, message: message });
    }
    if (!problems.length) return;
    event.preventDefault();
    clearErrors(form);
    var server = form.querySelector("[data-error-summary]");
    if (server) server.parentNode.removeChild(server);
    problems.forEach(function (problem) { showError(problem.input, problem.message); });
    buildSummary(form, problems);
  }

  function addPasswordToggle(wrapper) {
    var input = wrapper.querySelector("input");
    if (!input) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary password-toggle__button";
    button.setAttribute("aria-controls", input.id);
    function label(shown) {
      // A short word on the button; its whole name ("Show password") for screen readers, in
      // text (an aria-label would make the button a second match for the field's label).
      var visible = document.createElement("span");
      visible.setAttribute("aria-hidden", "true");
      visible.textContent = shown ? words.hide : words.show;
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = shown ? words.hide_password : words.show_password;
      button.replaceChildren(visible, name);
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    }
    label(false);
    button.addEventListener("click", function () {
      var shown = input.type === "password";
      input.type = shown ? "text" : "password";
      label(shown);
    });
    wrapper.appendChild(button);
    /* Never send the form with the password showing as text in the browser's history. */
    if (input.form) input.form.addEventListener("submit", function () { input.type = "password"; label(false); });
  }

  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function contentOf(form) {
    var parts = [];
    for (var i = 0; i < form.elements.length; i++) {
      var element = form.elements[i];
      if (!element.name || element.hasAttribute("data-submission-key")) continue;
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) continue;
      parts.push(element.name + "=" + element.value);
    }
    return parts.join("\n");
  }

  function keySubmission(event) {
    var input = event.target.querySelector && event.target.querySelector("[data-submission-key]");
    if (!input) return;
    var content = contentOf(event.target);
    if (!input.value || input.sentContent !== content) {
      input.value = randomKey();
      input.sentContent = content;
    }
  }

  /* The English home page offers German or French to a browser that prefers it: a link, never
     a redirect. Decided here, in the browser, so the page is the same bytes for every visitor
     (and may be cached); "No, thanks" lasts the browser session in sessionStorage, no cookie. */
  function offerLanguage() {
    var KEY = "language-offer-dismissed";
    var offers = document.querySelectorAll("[data-language-offer]");
    if (!offers.length) return;
    try {
      if (window.sessionStorage.getItem(KEY)) return;
    } catch (error) {
      return; /* storage refused: "no, thanks" could not be kept, so nothing is offered */
    }
    var spoken = ["en"];
    for (var i = 0; i < offers.length; i++) spoken.push(offers[i].getAttribute("data-language-offer"));
    /* The first language the reader asks for that the site speaks decides. */
    var wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
    var preferred = null;
    for (var j = 0; j < wanted.length && !preferred; j++) {
      var code = String(wanted[j]).toLowerCase().split("-")[0];
      if (spoken.indexOf(code) >= 0) preferred = code;
    }
    if (!preferred || preferred === "en") return;
    var offer = document.querySelector("[data-language-offer='" + preferred + "']");
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", function () {
      try { window.sessionStorage.setItem(KEY, "1"); } catch (error) { /* offered again next time */ }
      offer.parentNode.removeChild(offer);
    });
  }

  function start() {
    offerLanguage();
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      wireSummary(summary);
      summary.focus();
    }
    var forms = document.querySelectorAll("form[novalidate]");
    for (var i = 0; i < forms.length; i++) forms[i].addEventListener("submit", checkBeforeSending);
    var toggles = document.querySelectorAll("[data-password-toggle]");
    for (var j = 0; j < toggles.length; j++) addPasswordToggle(toggles[j]);
  }

  document.addEventListener("submit", keySubmission, true);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
