// A "Print" button on printable pages (delinquency notices, statements): the Content Security
// Policy allows no inline handlers, so buttons marked data-print are wired here.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
