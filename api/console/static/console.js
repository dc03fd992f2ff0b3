// The console's only script of its own (the CSP allows no inline script): the print button.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
