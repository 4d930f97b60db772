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
    // Across midnight in the visitor's zone, the end names its own date.
    var endDay = day.format(end) === day.format(start) ? "" : day.format(end) + ", ";
    label.textContent = label.getAttribute("data-local-label") + " " + day.format(start) + ", " +
      time.format(start) + " – " + endDay + time.format(end) + (zone ? " (" + zone + ")" : "");
    label.hidden = false;
  }

  // Replace the server's guess of a time zone (nothing chosen yet) by the browser's zone.
  function detectTimezone() {
    var field = document.querySelector("select[data-detect-timezone][data-guessed]");
    if (!field || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || !/^[A-Za-z_]+\/[A-Za-z0-9_+\-\/]+$/.test(zone)) return;
    var found = null;
    for (var i = 0; i < field.options.length; i++) {
      if (field.options[i].value === zone) found = field.options[i];
    }
    if (!found) {
      // The server takes an alias as its canonical zone, so any zone the browser names is fine.
      found = document.createElement("option");
      found.value = zone;
      found.textContent = zone.split("/").slice(1).join(" / ").replace(/_/g, " ");
      var region = zone.split("/")[0];
      var group = null;
      var groups = field.getElementsByTagName("optgroup");
      for (var j = 0; j < groups.length; j++) {
        if (groups[j].label === region) group = groups[j];
      }
      if (!group) {
        group = document.createElement("optgroup");
        group.label = region;
        field.appendChild(group);
      }
      group.appendChild(found);
    }
    found.selected = true;
  }

  // Move focus to the error summary so screen reader users hear what to fix.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  }

  // A background task's progress page: its numbers follow the task from the page's .json twin
  // until it ends, then the page reloads once to show the result. Without this script a
  // <noscript> refresh reloads the whole page every two seconds instead.
  function followTask() {
    var box = document.querySelector("[data-task-progress]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-task-progress");
    function set(id, text) {
      var el = document.getElementById(id);
      if (el) el.textContent = text;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (p) {
          if (!p) { setTimeout(poll, 5000); return; }
          set("task-state", p.text.state);
          set("task-rows", p.text.rows);
          set("task-percent", p.text.percent);
          set("task-errors", p.text.errors);
          var bar = document.getElementById("task-bar");
          if (bar) bar.value = p.percent;
          if (p.open) setTimeout(poll, 2000); else window.location.reload();
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    localise();
    detectTimezone();
    focusErrors();
    followTask();
  });
})();
