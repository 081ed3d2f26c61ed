// Charts: every element with data-chart="<id>" is drawn by vega-embed from the Vega-Lite
// specification in <script type="application/json" id="<id>"> (interlocal/core/charts.py).
// The Content-Security-Policy forbids eval and inline styles, so Vega's expressions run in its
// interpreter (ast: true), vega-embed injects no stylesheet (defaultStyle: false) and tooltips
// are the browser's own (tooltip: false). The figures are in a table beside each chart; if
// drawing fails, the chart says so and the table still tells everything.
(function () {
  "use strict";

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || typeof window.vegaEmbed !== "function") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    window
      .vegaEmbed(element, spec, {
        mode: "vega-lite",
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        tooltip: false,
      })
      .then(function () {
        element.dataset.chartReady = "true";
      })
      .catch(function (error) {
        element.dataset.chartReady = "failed";
        element.textContent = "The chart could not be drawn; its figures are in the table.";
        console.warn("chart " + element.dataset.chart + ": " + error);
      });
  }

  document.querySelectorAll("[data-chart]").forEach(draw);
})();
