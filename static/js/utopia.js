// Progressive enhancements only: every page works without this file.
document.documentElement.classList.add("js");

// The main menu folds behind its "Menu" button on small screens (Bootstrap's collapse, which
// keeps the button's aria-expanded up to date). It is folded only here, once scripts run:
// without them, the menu stays open and reachable.
for (const menu of document.querySelectorAll(".site-menu")) {
  menu.classList.add("collapse");
}

// List filters are a <details> folded on phones, results first; on wider screens, where they
// fit beside the results' start, they open by themselves.
if (window.matchMedia("(min-width: 768px)").matches) {
  for (const filters of document.querySelectorAll("details.filters-disclosure")) {
    filters.open = true;
  }
}
