// Draw every report chart on the page with the locally bundled vega-embed.
// The spec sits in an inert <script type="application/json"> next to its container.
(function () {
  function draw() {
    if (!window.vegaEmbed) { return; }
    document.querySelectorAll(".br-vega:not([data-drawn])").forEach(function (el) {
      var holder = document.getElementById(el.getAttribute("data-spec"));
      if (!holder) { return; }
      el.setAttribute("data-drawn", "1");
      var spec = JSON.parse(holder.textContent);
      window.vegaEmbed(el, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
        tooltip: { theme: "light" }
      }).then(function (result) {
        var svg = el.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", el.getAttribute("aria-label") || "chart");
        }
        el.dispatchEvent(new CustomEvent("br-drawn", { detail: result }));
      }).catch(function (err) {
        el.textContent = "This chart could not be drawn: " + err;
        console.error(err);
      });
    });
  }
  window.brDrawCharts = draw;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
