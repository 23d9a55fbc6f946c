// Progressive enhancement only: the self-check works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
