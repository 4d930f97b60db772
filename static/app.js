// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Show session times in the visitor's own time zone, next to the session's zone.
  function localise() {
    var label = document.querySelector(".local-time[data-local-label]");
    var first = document.querySelector("time[data-local-start]");
    if (!label || !first || !window.Intl) return;
    var start = new Date(first.getAttribute("data-local-start"));
    var end = new Date(first.getAttribute("data-local-end"));
    if (isNaN(start) || isNaN(end)) return;
    var lang = { en: "en-GB", fr: "fr-FR", es: "es-ES" }[document.documentElement.lang] || "en-GB";
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    // Nothing to add when the visitor is in the session's own zone.
    if (zone && zone === first.getAttribute("data-zone")) return;
    var day = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
    var time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    label.textContent = label.getAttribute("data-local-label") + " " + day.format(start) + ", " +
      time.format(start) + " – " + time.format(end) + (zone ? " (" + zone + ")" : "");
    label.hidden = false;
  }

  // Prefill the time zone field from the browser when the person has not chosen one.
  function detectTimezone() {
    var field = document.querySelector("input[data-detect-timezone]");
    if (!field || field.value || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) field.value = zone;
  }

  // Move focus to the error summary so screen reader users hear what to fix.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    localise();
    detectTimezone();
    focusErrors();
  });
})();
