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
