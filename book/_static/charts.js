// Draw every report chart on the page with the locally bundled vega-embed.
// The spec sits in an inert <script type="application/json"> next to its container.
(function () {
  // Screen readers get one image named by the chart's text description (the figcaption's
  // .br-desc), instead of vega-embed's generic "Vega visualization", and a named menu.
  function labelChart(el) {
    var fig = el.closest("figure");
    var desc = fig && fig.querySelector(".br-desc");
    var text = (desc && desc.textContent.trim()) || el.getAttribute("aria-label") || "Chart";
    var wrapper = el.querySelector(".chart-wrapper");
    if (wrapper) {
      ["role", "aria-label", "aria-roledescription"].forEach(function (a) {
        wrapper.removeAttribute(a);
      });
    }
    var svg = el.querySelector("svg.marks") || el.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", text);
    }
    var summary = el.querySelector("details > summary");
    if (summary) { summary.setAttribute("aria-label", "Chart menu: save as SVG or PNG"); }
  }

  // Label-in-name mismatches (WCAG 2.5.3) that the theme and myst-nb put on every page,
  // found by axe in tests/test_browser.py. myst-nb names each "Show code cell source"
  // toggle "Toggle hidden content": drop that name, the visible text names it.
  function fixToggleNames() {
    document.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach(
      function (s) { s.removeAttribute("aria-label"); });
  }

  // The theme's colour-mode button is named "Color mode" but its icons carry their own
  // titles ("Light", "Dark"). The icons are decorative: hide them, before and after
  // Font Awesome turns them into SVGs.
  function quietThemeIcons() {
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      icon.querySelectorAll("title").forEach(function (t) { t.remove(); });
    });
  }

  function draw() {
    if (!window.vegaEmbed) {  // the bundle (loaded before this file) failed: say so
      var waiting = document.querySelectorAll(".br-vega:not([data-drawn])");
      waiting.forEach(function (el) {
        el.setAttribute("data-drawn", "failed");
        el.textContent = "This chart could not be drawn (the chart library did not load). " +
          "Its data is in the CSV download below.";
      });
      if (waiting.length) { console.error("vega-bundle.js did not load: charts not drawn"); }
      return;
    }
    document.querySelectorAll(".br-vega:not([data-drawn])").forEach(function (el) {
      var holder = document.getElementById(el.getAttribute("data-spec"));
      if (!holder) { return; }
      embed(el, holder);
    });
  }

  function embed(el, holder) {
    el.setAttribute("data-drawn", "1");
    var spec = JSON.parse(holder.textContent);
    window.vegaEmbed(el, spec, {
      renderer: "svg",
      actions: { export: true, source: false, compiled: false, editor: false },
      tooltip: { theme: "light" }
    }).then(function (result) {
      labelChart(el);
      el.setAttribute("data-drawn", "done");
      offerReset(el, holder, result);
      el.dispatchEvent(new CustomEvent("br-drawn", { detail: result }));
    }).catch(function (err) {
      el.setAttribute("data-drawn", "failed");
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  }

  // What-if charts (sliders bound to chart parameters, batteryreport.whatif): Vega-Lite has
  // no reset, so the figure's reset button draws the chart again from its spec, i.e. with
  // every slider back at the published value.
  function offerReset(el, holder, result) {
    var box = document.querySelector('.br-whatif[data-for="' + el.id + '"]');
    var button = box && box.querySelector("button.br-reset");
    if (!button) { return; }
    box.hidden = false;
    button.onclick = function () {
      result.finalize();
      el.textContent = "";
      embed(el, holder);
    };
  }
  function start() {
    draw();
    fixToggleNames();
    quietThemeIcons();
    // Font Awesome swaps the icons for SVGs whenever it gets to it: redo after each swap.
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      new MutationObserver(quietThemeIcons).observe(button, { childList: true, subtree: true });
    });
  }
  window.brDrawCharts = draw;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
