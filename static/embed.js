// The widget (/embed/sessions): shows each session's time in the visitor's own time zone.
// The server wrote it in the session's zone; without this script (or Intl) that stays.
(function () {
  "use strict";

  function localise() {
    if (!window.Intl) return;
    var lang = { en: "en-GB", fr: "fr-FR", es: "es-ES" }[document.documentElement.lang] || "en-GB";
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    var day = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "long", year: "numeric" });
    var time = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
    var zoned = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    var times = document.querySelectorAll("time[datetime][data-end]");
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var start = new Date(el.getAttribute("datetime"));
      var end = new Date(el.getAttribute("data-end"));
      if (isNaN(start) || isNaN(end)) continue;
      // The session's own zone stays available on hover.
      el.title = el.textContent;
      var until = zoned.format(end);
      // "UTC" already names the zone; "CET" or "GMT-6" is followed by the zone's name.
      if (zone && until.indexOf(zone) < 0) until += " (" + zone + ")";
      el.textContent = day.format(start) + ", " + time.format(start) + "\u2013" + until;
      el.setAttribute("data-localised", zone);
    }
  }

  document.addEventListener("DOMContentLoaded", localise);
})();
