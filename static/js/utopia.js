// Progressive enhancements only: every page works without this file.
document.documentElement.classList.add("js");
