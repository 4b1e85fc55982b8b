/* The English home page offers German or French to a browser that prefers it: a link, never a
   redirect. Decided here, in the browser, so the page is the same bytes for every visitor (and
   may be cached); "No, thanks" is kept for the browser session in sessionStorage, not a cookie. */
(function () {
  "use strict";
  var KEY = "language-offer-dismissed";
  var offers = document.querySelectorAll("[data-language-offer]");
  if (!offers.length) return;
  try {
    if (window.sessionStorage.getItem(KEY)) return;
  } catch (error) {
    return; /* storage refused: no way to keep "no, thanks", so nothing is offered */
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
    try { window.sessionStorage.setItem(KEY, "1"); } catch (error) { /* shown again next time */ }
    offer.parentNode.removeChild(offer);
  });
})();
