// Report charts (batteryreport.present.charts) drawn with the locally bundled vega-embed.
//
// Each figure's specs sit in an inert <script type="application/json">: a "wide" spec and
// optionally a "narrow" one (for columns under "narrowBelow" px), both width "container",
// with their data in "datasets". This file
// - draws the spec that suits the column, and re-fits it when the column changes width (a
//   window resize, the sidebar breakpoint, a rotation: a ResizeObserver on the container);
// - colours it from the CSS variables --br-chart-* (batteryreport.css): the specs are
//   written in the light values, each swapped for the current one, on a transparent
//   background; drawn again when the colour mode changes, and in light colours for print;
// - exports it as PNG (twice the resolution) or SVG with the title, the takeaway, the
//   sources, the as-of date, the licence and the page's address (from og:url, which the
//   build writes when a public address is configured);
// - gives what-if charts (batteryreport.present.whatif) their slider behaviour: the value
//   with its unit, snapping to the published value, low never above high, shares that add
//   up to 100%, parameters linked between charts, and the reset button.
(function () {
  "use strict";

  var TOKENS = ["bg", "fg", "muted", "grid", "surface", "tint-1", "tint-4",
                "cat-1", "cat-2", "cat-3", "cat-4", "cat-5", "cat-6"];
  var FONT = "Liberation Sans, Arial, Helvetica, sans-serif";
  var records = [];
  var printing = false;
  var lightSet = null;

  // ------------------------------------------------------------------------- colours

  function readVars(el) {
    var cs = getComputedStyle(el);
    var out = {};
    TOKENS.forEach(function (t) { out[t] = cs.getPropertyValue("--br-chart-" + t).trim(); });
    return out;
  }

  function lightColors() {
    if (!lightSet) {
      var probe = document.createElement("span");
      probe.className = "br-chart-light-vars";
      probe.setAttribute("aria-hidden", "true");
      document.body.appendChild(probe);
      lightSet = readVars(probe);
      probe.remove();
    }
    return lightSet;
  }

  function isDark() {
    return document.documentElement.getAttribute("data-theme") === "dark";
  }

  function currentColors() {
    return printing ? lightColors() : readVars(document.documentElement);
  }

  function swapMap(colors) {
    var light = lightColors();
    var map = {};
    TOKENS.forEach(function (t) {
      if (light[t] && colors[t]) { map[light[t].toLowerCase()] = colors[t]; }
    });
    return map;
  }

  // Every string in the spec that is a light colour becomes the current one (data aside).
  function recolor(node, map) {
    if (typeof node === "string") {
      var hit = map[node.toLowerCase()];
      return hit === undefined ? node : hit;
    }
    if (Array.isArray(node)) { return node.map(function (v) { return recolor(v, map); }); }
    if (node && typeof node === "object") {
      var out = {};
      Object.keys(node).forEach(function (k) {
        out[k] = (k === "data" || k === "datasets") ? node[k] : recolor(node[k], map);
      });
      return out;
    }
    return node;
  }

  // ------------------------------------------------------------------------- specs

  function layoutFor(bundle, width) {
    return bundle.narrow && width < bundle.narrowBelow ? "narrow" : "wide";
  }

  function innerWidth(el) {
    var cs = getComputedStyle(el);
    return Math.floor(el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight));
  }

  function buildSpec(rec, layout, colors, opts) {
    var spec = recolor(rec.bundle[layout], swapMap(colors));
    spec.datasets = JSON.parse(JSON.stringify(rec.bundle.datasets || {}));
    spec.config = spec.config || {};
    spec.config.background = opts.background;
    if (opts.width) {
      spec.width = opts.width;
      spec.autosize = { type: "fit-x", contains: "padding" };
    }
    return spec;
  }

  function topParams(spec) {
    return (spec.params || []).filter(function (p) { return p && p.name && !p.expr; })
      .map(function (p) { return p.name; });
  }

  function paramValues(rec) {
    var out = {};
    if (!rec.result) { return out; }
    topParams(rec.spec).forEach(function (n) {
      try { out[n] = rec.result.view.signal(n); } catch (e) { /* not a signal */ }
    });
    return out;
  }

  function setParams(view, values, names) {
    Object.keys(values).forEach(function (n) {
      if (names.indexOf(n) >= 0) { view.signal(n, values[n]); }
    });
  }

  // ------------------------------------------------------------------------- drawing

  // Screen readers get one image named by the chart's text description (.br-desc).
  // The container stays a group named "Chart: <title>" (vega-embed names it "Vega
  // visualization", on the container itself when there is no actions menu).
  function labelChart(rec) {
    var el = rec.el;
    var fig = el.closest("figure");
    var desc = fig && fig.querySelector(".br-desc");
    var text = (desc && desc.textContent.trim()) || rec.label || "Chart";
    el.setAttribute("role", "group");
    el.setAttribute("aria-label", rec.label);
    el.removeAttribute("aria-roledescription");
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
  }

  function embed(rec, keep) {
    var el = rec.el;
    var width = innerWidth(el);
    var layout = layoutFor(rec.bundle, width);
    var values = keep ? paramValues(rec) : null;
    var seq = ++rec.seq;
    var spec = buildSpec(rec, layout, currentColors(), { background: "transparent" });
    if (rec.result) {
      el.style.minHeight = el.offsetHeight + "px";  // no jump while it is drawn again
      rec.result.finalize();
      rec.result = null;
    }
    el.textContent = "";
    el.setAttribute("data-drawn", "1");
    el.setAttribute("data-layout", layout);
    rec.layout = layout;
    rec.width = width;
    rec.spec = spec;
    return window.vegaEmbed(el, spec, {
      renderer: "svg", actions: false,
      tooltip: { theme: isDark() && !printing ? "dark" : "light" }
    }).then(function (result) {
      if (seq !== rec.seq) { result.finalize(); return null; }
      rec.result = result;
      el.style.minHeight = "";
      if (values) { setParams(result.view, values, topParams(spec)); }
      labelChart(rec);
      whatif(rec);
      return pullLinked(rec).then(function () { return result.view.runAsync(); });
    }).then(function (view) {
      if (!view || seq !== rec.seq) { return; }
      return pushLinked(rec);
    }).then(function () {
      if (seq !== rec.seq) { return; }
      el.setAttribute("data-drawn", "done");
      offerReset(rec);
      offerSave(rec);
      el.dispatchEvent(new CustomEvent("br-drawn", { detail: rec.result }));
    }).catch(function (err) {
      el.setAttribute("data-drawn", "failed");
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
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
      var bundle;
      try {
        bundle = JSON.parse(holder.textContent);
      } catch (err) {
        el.setAttribute("data-drawn", "failed");
        el.textContent = "This chart could not be drawn: " + err;
        console.error(err);
        return;
      }
      if (!bundle.wide) { bundle = { wide: bundle, narrow: null, datasets: {}, narrowBelow: 0 }; }
      var rec = { el: el, holder: holder, bundle: bundle, seq: 0, result: null,
                  fig: el.closest("figure"), label: el.getAttribute("aria-label") || "Chart" };
      records.push(rec);
      embed(rec, false);
      observe(rec);
    });
  }

  // ------------------------------------------------------------------------- fitting

  var resizeObserver = null;
  var pending = null;

  function refit() {
    pending = null;
    records.forEach(function (rec) {
      if (!rec.result || rec.el.getAttribute("data-drawn") !== "done") { return; }
      var width = innerWidth(rec.el);
      if (width <= 0 || Math.abs(width - rec.width) < 1) { return; }
      if (layoutFor(rec.bundle, width) !== rec.layout) {
        embed(rec, true);
        return;
      }
      rec.width = width;
      rec.result.view.signal("width", width);
      rec.result.view.resize().runAsync();
    });
  }

  function scheduleRefit() {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(refit, 60);
  }

  function observe(rec) {
    if (window.ResizeObserver) {
      if (!resizeObserver) { resizeObserver = new ResizeObserver(scheduleRefit); }
      resizeObserver.observe(rec.el);
    }
  }

  function redrawAll() {
    lightSet = null;
    records.forEach(function (rec) { if (rec.result) { embed(rec, true); } });
  }

  // ------------------------------------------------------------------------- what-if

  function whatifMeta(rec) {
    return (rec.bundle.wide.usermeta || {}).brWhatif || null;
  }

  function formatValue(s, v) {
    var text = Number(v).toFixed(s.decimals);
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return s.prefix + parts.join(".") + s.suffix;
  }

  // Sliders: the value with its unit (and "published" at the published value), the
  // published value marked on the track, and every move handled here: snapped to the
  // published value within half a step, pushing a paired slider or the other shares.
  function whatif(rec) {
    var meta = whatifMeta(rec);
    var view = rec.result.view;
    var box = rec.el.querySelector(".vega-bindings");
    if (!meta || !box) { return; }
    var byName = {};
    meta.sliders.forEach(function (s) {
      var input = box.querySelector('input[name="' + s.name + '"]');
      if (!input) { return; }
      byName[s.name] = s;
      var label = input.closest("label");
      var bind = input.closest(".vega-bind");
      if (bind) { bind.classList.add("br-slider"); }
      var list = document.createElement("datalist");
      list.id = rec.el.id + "-" + s.name + "-published";
      var option = document.createElement("option");
      option.value = String(s.value);
      list.appendChild(option);
      label.appendChild(list);
      input.setAttribute("list", list.id);
      var out = document.createElement("output");
      out.className = "br-slider-value";
      out.setAttribute("for", input.id || "");
      var name = label.querySelector(".vega-bind-name");
      if (name) { name.after(out); } else { label.insertBefore(out, input); }
      var show = function () {
        var v = view.signal(s.name);
        var text = formatValue(s, v);
        out.textContent = text;
        if (Math.abs(v - s.value) < 1e-9) {
          var tag = document.createElement("span");
          tag.className = "br-published";
          tag.textContent = " (published)";
          out.appendChild(tag);
        }
        input.setAttribute("aria-valuetext", text);
      };
      show();
      view.addSignalListener(s.name, show);
    });
    var shareLine = null;
    if (meta.shares && meta.shares.length) {
      shareLine = document.createElement("p");
      shareLine.className = "br-shares";
      shareLine.setAttribute("aria-live", "polite");
      box.appendChild(shareLine);
      var showShares = function () {
        var total = 0;
        var parts = meta.shares.map(function (n) {
          var v = view.signal(n);
          total += v;
          return meta.shareNames[n] + " " + formatValue(byName[n], v);
        });
        var rest = Math.max(0, 100 - total);
        shareLine.textContent = "Shares add up to 100%: " + parts.join(", ") + " and " +
          meta.rest + " " + formatValue(byName[meta.shares[0]], rest) +
          " (what is left). Raising one share lowers the other when they would pass 100%.";
      };
      showShares();
      meta.shares.forEach(function (n) { view.addSignalListener(n, showShares); });
    }

    function handle(ev) {
      var input = ev.target;
      var s = input && byName[input.name];
      if (!s) { return; }
      ev.stopPropagation();  // Vega's own listener would set the raw value
      var v = +input.value;
      if (Math.abs(v - s.value) < s.step / 2 - 1e-9) { v = s.value; }
      view.signal(s.name, v);
      (meta.pairs || []).forEach(function (pair) {
        if (pair[0] === s.name && view.signal(pair[1]) < v) { view.signal(pair[1], v); }
        if (pair[1] === s.name && view.signal(pair[0]) > v) { view.signal(pair[0], v); }
      });
      if ((meta.shares || []).indexOf(s.name) >= 0) {
        var total = 0;
        meta.shares.forEach(function (n) { total += n === s.name ? v : view.signal(n); });
        var excess = total - 100;
        meta.shares.slice().reverse().forEach(function (n) {
          if (excess <= 1e-9 || n === s.name) { return; }
          var cut = Math.min(excess, view.signal(n));
          view.signal(n, Math.round((view.signal(n) - cut) * 1e9) / 1e9);
          excess -= cut;
        });
      }
      view.runAsync();
    }
    box.addEventListener("input", handle, true);
    box.addEventListener("change", handle, true);
    if (meta.link) {
      meta.sliders.forEach(function (s) {
        view.addSignalListener(s.name, function (n, v) { linkTo(rec, n, v); });
      });
    }
  }

  function linkGroup(rec) {
    var meta = whatifMeta(rec);
    if (!meta || !meta.link) { return []; }
    return records.filter(function (o) {
      var m = whatifMeta(o);
      return o !== rec && o.result && m && m.link === meta.link;
    });
  }

  function sliderNames(rec) {
    var meta = whatifMeta(rec);
    return meta ? meta.sliders.map(function (s) { return s.name; }) : [];
  }

  function linkTo(rec, name, value) {
    linkGroup(rec).forEach(function (o) {
      if (topParams(o.spec).indexOf(name) < 0 || sliderNames(o).indexOf(name) >= 0) { return; }
      o.result.view.signal(name, value);
      o.result.view.runAsync();
    });
  }

  // A linked chart takes the values of the sliders another chart of its group owns ...
  function pullLinked(rec) {
    var names = topParams(rec.spec);
    linkGroup(rec).forEach(function (o) {
      sliderNames(o).forEach(function (n) {
        if (names.indexOf(n) >= 0 && sliderNames(rec).indexOf(n) < 0) {
          rec.result.view.signal(n, o.result.view.signal(n));
        }
      });
    });
    return Promise.resolve();
  }

  // ... and hands its own sliders' values to them (after a reset, say).
  function pushLinked(rec) {
    var runs = [];
    linkGroup(rec).forEach(function (o) {
      var names = topParams(o.spec);
      var changed = false;
      sliderNames(rec).forEach(function (n) {
        if (names.indexOf(n) >= 0 && sliderNames(o).indexOf(n) < 0) {
          o.result.view.signal(n, rec.result.view.signal(n));
          changed = true;
        }
      });
      if (changed) { runs.push(o.result.view.runAsync()); }
    });
    return Promise.all(runs);
  }

  // Vega-Lite has no reset: the figure's button draws the chart again from its spec, i.e.
  // with every slider back at the published value.
  function offerReset(rec) {
    var box = document.querySelector('.br-whatif[data-for="' + rec.el.id + '"]');
    var button = box && box.querySelector("button.br-reset");
    if (!button) { return; }
    box.hidden = false;
    button.onclick = function () { embed(rec, false); };
  }

  // ------------------------------------------------------------------------- export

  function pageAddress(rec) {
    var meta = document.querySelector('meta[property="og:url"]');
    var url = meta && meta.getAttribute("content");
    if (!url) {
      var link = document.querySelector('link[rel="canonical"]');
      url = link && link.getAttribute("href");
    }
    if (!url || !/^https?:\/\//.test(url)) { return ""; }
    return url.split("#")[0] + (rec.fig && rec.fig.id ? "#" + rec.fig.id : "");
  }

  function siteName() {
    var meta = document.querySelector('meta[property="og:site_name"]');
    return (meta && meta.getAttribute("content")) || "";
  }

  function figureNumber(rec) {
    var figs = Array.prototype.slice.call(document.querySelectorAll("figure.br-chart"));
    var i = figs.indexOf(rec.fig);
    return i >= 0 ? "Figure " + (i + 1) + ". " : "";
  }

  // The text an image carries around the chart: [lines, font size, weight, colour].
  function captionParts(rec) {
    var b = rec.bundle;
    var colors = lightColors();
    var foot = [];
    if (b.source) { foot.push(b.source); }
    var dated = (b.asOf ? "Data as of " + (b.asOfText || b.asOf) + ". " : "") +
      "Licence: " + (b.licence || "CC BY 4.0") + ".";
    var site = siteName();
    foot.push(site ? site + ". " + dated : dated);
    var address = pageAddress(rec);
    if (address) { foot.push(address); }
    return {
      head: [[figureNumber(rec) + b.title, 16, "600", colors.fg]]
        .concat(b.takeaway ? [[b.takeaway, 13, "400", colors.fg]] : []),
      foot: foot.map(function (t) { return [t, 11, "400", colors.muted]; }),
      address: address
    };
  }

  function wrapText(ctx, text, maxWidth) {
    var words = [];
    String(text).split(/\s+/).forEach(function (w) {  // a word longer than a line (an address) is cut
      while (ctx.measureText(w).width > maxWidth && w.length > 1) {
        var n = w.length - 1;
        while (n > 1 && ctx.measureText(w.slice(0, n)).width > maxWidth) { n--; }
        words.push(w.slice(0, n));
        w = w.slice(n);
      }
      words.push(w);
    });
    var lines = [];
    var line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (line && ctx.measureText(next).width > maxWidth) {
        lines.push(line);
        line = w;
      } else {
        line = next;
      }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  // Lay the caption out (in CSS px) for a chart ``width`` wide.
  function layoutCaption(parts, width) {
    var ctx = document.createElement("canvas").getContext("2d");
    var pad = 16;
    var out = { pad: pad, head: [], foot: [], headHeight: 0, footHeight: 0 };
    function place(list, target) {
      var h = 0;
      list.forEach(function (p) {
        ctx.font = p[2] + " " + p[1] + "px " + FONT;
        wrapText(ctx, p[0], width).forEach(function (line) {
          var lh = Math.round(p[1] * 1.35);
          target.push({ text: line, size: p[1], weight: p[2], color: p[3], y: h + p[1] });
          h += lh;
        });
        h += 4;
      });
      return h;
    }
    out.headHeight = place(parts.head, out.head) + 6;
    out.footHeight = place(parts.foot, out.foot) + 2;
    return out;
  }

  function exportView(rec) {
    var width = Math.max(rec.width || innerWidth(rec.el), 300);
    var spec = buildSpec(rec, rec.layout || "wide", lightColors(),
                         { background: lightColors().bg || "#ffffff", width: width });
    var holder = document.createElement("div");
    var values = paramValues(rec);
    return window.vegaEmbed(holder, spec, { renderer: "svg", actions: false })
      .then(function (result) {
        setParams(result.view, values, topParams(spec));
        return result.view.runAsync().then(function () { return result; });
      });
  }

  function escapeXml(s) {
    return String(s).replace(/[<>&"']/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }

  // PNG text chunks (iTXt, UTF-8) so the file says what it is even without its caption.
  var crcTable = null;
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = [];
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) { c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; }
        crcTable[n] = c >>> 0;
      }
    }
    var crc = 0xFFFFFFFF;
    for (var i = 0; i < bytes.length; i++) { crc = crcTable[(crc ^ bytes[i]) & 0xFF] ^ (crc >>> 8); }
    return (crc ^ 0xFFFFFFFF) >>> 0;
  }

  function itxt(keyword, text) {
    var enc = new TextEncoder();
    var body = [].concat(Array.from(enc.encode(keyword)), [0, 0, 0, 0, 0], Array.from(enc.encode(text)));
    var type = Array.from(enc.encode("iTXt"));
    var data = type.concat(body);
    var len = body.length;
    var crc = crc32(data);
    return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255].concat(data,
      [crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]);
  }

  function withText(dataUrl, chunks) {
    var bin = atob(dataUrl.split(",")[1]);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var head = 33;  // signature (8) + IHDR chunk (25)
    var extra = [];
    chunks.forEach(function (c) { if (c[1]) { extra = extra.concat(itxt(c[0], c[1])); } });
    var out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes.subarray(0, head), 0);
    out.set(extra, head);
    out.set(bytes.subarray(head), head + extra.length);
    var s = "";
    for (var j = 0; j < out.length; j += 0x8000) {
      s += String.fromCharCode.apply(null, out.subarray(j, j + 0x8000));
    }
    return "data:image/png;base64," + btoa(s);
  }

  function exportImage(rec, kind) {
    var scale = kind === "png" ? 2 : 1;
    var parts = captionParts(rec);
    var b = rec.bundle;
    return exportView(rec).then(function (result) {
      var view = result.view;
      var render = kind === "png" ? view.toCanvas(scale) : view.toSVG();
      return render.then(function (chart) {
        result.finalize();
        var chartW = kind === "png" ? chart.width / scale : view.width();
        var chartH;
        var svgText = "";
        if (kind === "png") {
          chartH = chart.height / scale;
        } else {
          svgText = chart.replace(/^<\?xml[^>]*>\s*/, "");
          var m = /<svg[^>]*\sheight="([\d.]+)"/.exec(svgText);
          var w = /<svg[^>]*\swidth="([\d.]+)"/.exec(svgText);
          chartH = m ? +m[1] : view.height();
          chartW = w ? +w[1] : chartW;
        }
        var lay = layoutCaption(parts, chartW);
        var W = chartW + 2 * lay.pad;
        var H = lay.pad + lay.headHeight + chartH + 10 + lay.footHeight + lay.pad;
        var colors = lightColors();
        var filename = b.name + "." + kind;
        if (kind === "png") {
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(W * scale);
          canvas.height = Math.round(H * scale);
          var ctx = canvas.getContext("2d");
          ctx.scale(scale, scale);
          ctx.fillStyle = colors.bg || "#ffffff";
          ctx.fillRect(0, 0, W, H);
          var text = function (list, top) {
            list.forEach(function (l) {
              ctx.font = l.weight + " " + l.size + "px " + FONT;
              ctx.fillStyle = l.color;
              ctx.fillText(l.text, lay.pad, top + l.y);
            });
          };
          text(lay.head, lay.pad);
          ctx.drawImage(chart, lay.pad, lay.pad + lay.headHeight, chartW, chartH);
          text(lay.foot, lay.pad + lay.headHeight + chartH + 10);
          var href = withText(canvas.toDataURL("image/png"), [
            ["Title", b.title], ["Description", b.takeaway], ["Source", b.source],
            ["Copyright", "Licence: " + (b.licence || "CC BY 4.0")], ["URL", parts.address]]);
          return { href: href, filename: filename, width: canvas.width, height: canvas.height,
                   chartWidth: chartW, text: lay.head.concat(lay.foot).map(function (l) { return l.text; }) };
        }
        var lines = function (list, top) {
          return list.map(function (l) {
            return '<text x="' + lay.pad + '" y="' + (top + l.y) + '" font-family="' + FONT +
              '" font-size="' + l.size + '" font-weight="' + l.weight + '" fill="' + l.color +
              '">' + escapeXml(l.text) + "</text>";
          }).join("");
        };
        var inner = svgText.replace(/^<svg/, '<svg x="' + lay.pad + '" y="' + (lay.pad + lay.headHeight) + '"');
        var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + W + '" height="' + H +
          '" viewBox="0 0 ' + W + " " + H + '"><title>' + escapeXml(b.title) + "</title>" +
          '<rect width="100%" height="100%" fill="' + (colors.bg || "#ffffff") + '"/>' +
          lines(lay.head, lay.pad) + inner +
          lines(lay.foot, lay.pad + lay.headHeight + chartH + 10) + "</svg>";
        var href2 = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
        return { href: href2, filename: filename, width: W, height: H, chartWidth: chartW,
                 text: lay.head.concat(lay.foot).map(function (l) { return l.text; }) };
      });
    });
  }

  function download(href, filename) {
    var a = document.createElement("a");
    a.href = href;
    a.download = filename;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function offerSave(rec) {
    var box = rec.fig && rec.fig.querySelector(".br-save");
    if (!box || box.getAttribute("data-wired")) { if (box) { box.hidden = false; } return; }
    box.setAttribute("data-wired", "1");
    box.hidden = false;
    box.querySelectorAll("button[data-kind]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        exportImage(rec, button.getAttribute("data-kind")).then(function (out) {
          download(out.href, out.filename);
        }).catch(function (err) {
          console.error(err);
        }).then(function () { button.disabled = false; });
      });
    });
  }

  // The JSON companion of the CSV gains the site's name and the figure's address when the
  // page has them (the file itself is written at build time).
  function completeMetadata() {
    document.querySelectorAll("figure.br-chart a.br-meta").forEach(function (a) {
      var rec = records.filter(function (r) { return r.fig === a.closest("figure"); })[0];
      if (!rec || a.getAttribute("data-complete")) { return; }
      var address = pageAddress(rec);
      var site = siteName();
      if (!address && !site) { return; }
      try {
        var href = a.getAttribute("href");
        var raw = atob(href.split(",")[1]);
        var bytes = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
        var meta = JSON.parse(new TextDecoder().decode(bytes));
        if (site) { meta.report = site; }
        if (address) { meta.address = address; }
        var text = JSON.stringify(meta, null, 2);
        var enc = new TextEncoder().encode(text);
        var s = "";
        enc.forEach(function (c) { s += String.fromCharCode(c); });
        a.setAttribute("href", "data:application/json;charset=utf-8;base64," + btoa(s));
        a.setAttribute("data-complete", "1");
      } catch (err) {
        console.error(err);
      }
    });
  }

  window.brChartExport = function (figureId, kind) {
    var rec = records.filter(function (r) { return r.fig && r.fig.id === figureId; })[0];
    return rec ? exportImage(rec, kind) : Promise.reject(new Error("no figure " + figureId));
  };

  // ------------------------------------------------------------------------- page

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

  function start() {
    draw();
    completeMetadata();
    fixToggleNames();
    quietThemeIcons();
    // Font Awesome swaps the icons for SVGs whenever it gets to it: redo after each swap.
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      new MutationObserver(quietThemeIcons).observe(button, { childList: true, subtree: true });
    });
    // Dark or light: draw every chart again in the mode's colours.
    var mode = document.documentElement.getAttribute("data-theme");
    new MutationObserver(function () {
      var now = document.documentElement.getAttribute("data-theme");
      if (now !== mode) { mode = now; redrawAll(); }
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    // Print: light colours on paper, whatever the screen's mode.
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function (e) {
        if (printing !== e.matches) { printing = e.matches; if (isDark()) { redrawAll(); } }
      };
      if (print.addEventListener) { print.addEventListener("change", onPrint); }
    }
    window.addEventListener("beforeprint", function () { onPrintChange(true); });
    window.addEventListener("afterprint", function () { onPrintChange(false); });
  }

  function onPrintChange(on) {
    if (printing !== on) { printing = on; if (isDark()) { redrawAll(); } }
  }

  window.brDrawCharts = function () { draw(); completeMetadata(); };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
