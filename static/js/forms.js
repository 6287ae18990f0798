// Progressive enhancements of the forms; every form works without this file.
(function () {
  "use strict";

  // The error summary takes the focus when the page comes back refused, so that a screen
  // reader reads it first; each of its links then puts the focus on its field and shows
  // the field's label (a plain anchor would hide the label above the top of the screen).
  function enhanceErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var folded = field.closest("details");
      if (folded) folded.open = true;
      var legend = field.closest("fieldset") && field.type === "checkbox"
        ? field.closest("fieldset").querySelector("legend") : null;
      var label = legend || document.querySelector("label[for='" + field.id + "']") || field;
      label.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceErrorSummary);
  } else {
    enhanceErrorSummary();
  }
})();

// A long list of checkboxes gets a filter box: typing part of a name hides the other boxes
// (never the checked ones, so that a choice stays visible) and says how many are shown.
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhance(list) {
    var search = list.querySelector("[data-checkbox-filter-search]");
    var input = search.querySelector("input");
    var count = list.querySelector("[data-checkbox-filter-count]");
    var items = Array.prototype.slice.call(list.querySelectorAll("li"));
    var names = items.map(function (item) { return normalise(item.textContent); });
    search.hidden = false;
    var timer = null;
    function apply() {
      var wanted = normalise(input.value);
      var shown = 0;
      items.forEach(function (item, index) {
        var box = item.querySelector("input");
        var visible = !wanted || box.checked || names[index].indexOf(wanted) !== -1;
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      count.textContent = wanted
        ? (shown === 1 ? "1 choix affiché sur " : shown + " choix affichés sur ") + items.length
        : "";
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 150);
    });
    // Enter in the filter box must not send the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  function start() {
    document.querySelectorAll("[data-checkbox-filter]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
