// The reader's page: provenance pop-ups for glued numbers, the sources list for print, and
// search results that point at the section where a word occurs.
//
// A glued number (batteryreport.build.sphinxext) is <span class="br-num" tabindex="0"
// data-src="source ids" data-label="...">. Its sources (publisher, date, title, address and
// the link to "Data and sources") are in the page's <script id="br-sources"> register. The
// pop-up is built here, so its text is never part of the page's indexed text.
//
// Pop-ups (WCAG 1.4.13): they open on hover (after a short pause) and on keyboard focus; the
// pointer can move onto them; they stay until the pointer and focus have left or Esc closes
// them. Each number is one tab stop: the links inside a pop-up join the tab order only after
// Enter on the number (focus then moves to the first link; Esc returns to the number).
// Every text here comes from data: it is set with textContent, never parsed as HTML.
(function () {
  "use strict";

  var registry = {};
  var current = null;      // {num, pop, rect}: the open pop-up
  var dismissed = null;    // the number whose pop-up Esc closed (until pointer/focus leave it)
  var openTimer = null;
  var closeTimer = null;
  var counter = 0;
  var OPEN_DELAY_MS = 180;
  var CLOSE_DELAY_MS = 300;
  var GAP = 6;
  var MARGIN = 8;

  function loadRegistry() {
    var holder = document.getElementById("br-sources");
    if (!holder) { return; }
    try {
      registry = JSON.parse(holder.textContent);
    } catch (err) {
      console.error("br-sources: " + err);
    }
  }

  function sourceIds(num) {
    return (num.getAttribute("data-src") || "").split(/\s+/).filter(Boolean);
  }

  function source(id) {
    return registry[id] || { p: "unknown source", d: "", t: "", u: "", h: "" };
  }

  function citation(s) {
    return s.p + (s.d ? ", " + s.d : "");
  }

  function buildPopup(num) {
    var pop = document.createElement("span");
    pop.className = "br-prov";
    pop.id = "br-prov-" + (++counter);
    pop.hidden = true;
    pop.setAttribute("data-nosnippet", "");
    var label = document.createElement("span");
    label.className = "br-prov-label";
    label.textContent = (num.getAttribute("data-label") || "").replace(/[.\s]+$/, "") + ". ";
    pop.appendChild(label);
    var body = document.createElement("span");
    body.className = "br-prov-sources";
    var ids = sourceIds(num);
    if (!ids.length) {
      body.textContent = "Computed from the report's parameters only (no data rows).";
    } else {
      body.appendChild(document.createTextNode("Computed from: "));
      ids.forEach(function (id, i) {
        var s = source(id);
        var el = document.createElement(s.h ? "a" : "span");
        if (s.h) {
          el.href = s.h;
          el.tabIndex = -1;  // one tab stop per number: Enter brings the links in
        }
        el.textContent = citation(s);
        if (s.t) { el.title = s.t; }
        body.appendChild(el);
        body.appendChild(document.createTextNode(i < ids.length - 1 ? "; " : "."));
      });
    }
    pop.appendChild(body);
    if (pop.querySelector("a")) {
      var hint = document.createElement("span");
      hint.className = "br-prov-hint";
      hint.textContent = " Press Enter to reach the links.";
      pop.appendChild(hint);
    }
    num.appendChild(pop);
    num.setAttribute("aria-describedby", pop.id);
    return pop;
  }

  function setLinks(pop, reachable) {
    pop.querySelectorAll("a").forEach(function (a) { a.tabIndex = reachable ? 0 : -1; });
  }

  // Where the pop-up goes: above the line of the number (so it never covers what comes
  // next), below when there is no room above, and always inside the viewport.
  function anchorLine(num, x, y) {  // which line of a wrapped number the pointer is on
    var rects = num.getClientRects();
    if (x === undefined || rects.length < 2) { return 0; }
    var best = 0, bestDist = Infinity;
    Array.prototype.forEach.call(rects, function (r, i) {
      var dx = Math.max(r.left - x, 0, x - r.right), dy = Math.max(r.top - y, 0, y - r.bottom);
      if (dx * dx + dy * dy < bestDist) { best = i; bestDist = dx * dx + dy * dy; }
    });
    return best;
  }

  function topLimit() {
    var header = document.querySelector(".bd-header");
    if (!header) { return MARGIN; }
    var pos = getComputedStyle(header).position;
    var r = header.getBoundingClientRect();
    return (pos === "sticky" || pos === "fixed") && r.bottom > 0 ? r.bottom + MARGIN : MARGIN;
  }

  function place(entry) {
    var pop = entry.pop;
    var rects = entry.num.getClientRects();
    var r = rects[Math.min(entry.line, rects.length - 1)] || entry.num.getBoundingClientRect();
    var vw = document.documentElement.clientWidth, vh = window.innerHeight;
    pop.style.left = "0px";
    pop.style.top = "0px";
    var w = pop.offsetWidth, h = pop.offsetHeight;
    var top = r.top - GAP - h;
    var side = "above";
    if (top < topLimit()) {
      top = r.bottom + GAP;
      side = "below";
    }
    var left = Math.max(MARGIN, Math.min(r.left, vw - MARGIN - w));
    pop.style.left = Math.round(left) + "px";
    pop.style.top = Math.round(Math.min(top, Math.max(MARGIN, vh - MARGIN - h))) + "px";
    pop.setAttribute("data-side", side);
  }

  function show(num, x, y) {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (current && current.num === num) { return; }
    hide();
    var pop = num.querySelector(":scope > .br-prov") || buildPopup(num);
    var line = anchorLine(num, x, y);
    pop.hidden = false;
    num.classList.add("br-open");
    current = { num: num, pop: pop, line: line };
    place(current);
  }

  function hide() {
    clearTimeout(closeTimer);
    if (!current) { return; }
    current.pop.hidden = true;
    current.num.classList.remove("br-open");
    setLinks(current.pop, false);
    current = null;
  }

  function focusedInside(num) {
    return num.contains(document.activeElement);
  }

  function hovered(num) {
    return num.matches(":hover");
  }

  function wire(num) {
    num.addEventListener("mouseenter", function (ev) {
      if (dismissed === num) { return; }
      clearTimeout(closeTimer);
      clearTimeout(openTimer);
      var x = ev.clientX, y = ev.clientY;
      openTimer = setTimeout(function () { show(num, x, y); }, current ? 0 : OPEN_DELAY_MS);
    });
    num.addEventListener("mouseleave", function () {
      clearTimeout(openTimer);
      if (dismissed === num && !focusedInside(num)) { dismissed = null; }
      if (!current || current.num !== num || focusedInside(num)) { return; }
      closeTimer = setTimeout(function () {
        if (current && current.num === num && !hovered(num) && !focusedInside(num)) { hide(); }
      }, CLOSE_DELAY_MS);
    });
    num.addEventListener("focus", function () {
      if (dismissed !== num) { show(num); }
    });
    num.addEventListener("focusout", function (ev) {
      if (ev.relatedTarget && num.contains(ev.relatedTarget)) { return; }
      if (dismissed === num) { dismissed = null; }
      if (current && current.num === num) {
        setLinks(current.pop, false);
        if (!hovered(num)) { hide(); }
      }
    });
    num.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || ev.target !== num) { return; }
      dismissed = null;
      show(num);
      var first = current && current.pop.querySelector("a");
      if (first) {
        ev.preventDefault();
        setLinks(current.pop, true);
        first.focus();
      }
    });
  }

  function onKey(ev) {
    if (ev.key !== "Escape" || !current) { return; }
    var num = current.num;
    var inLinks = focusedInside(num) && document.activeElement !== num;
    dismissed = num;
    if (inLinks) { num.focus(); }  // before hiding: a hidden link would drop the focus
    hide();
    ev.stopPropagation();
  }

  function follow() {
    if (current) { place(current); }
  }

  // ---------------------------------------------------------------- print
  // Each number gets the numbers of its sources (shown after it in print only), and the
  // page ends with the numbered list of its sources (display: none on screen).
  function printSources() {
    var order = [], index = {};
    document.querySelectorAll(".br-num[data-src]").forEach(function (num) {
      var refs = sourceIds(num).map(function (id) {
        if (!(id in index)) { order.push(id); index[id] = order.length; }
        return index[id];
      });
      refs.sort(function (a, b) { return a - b; });
      if (refs.length) { num.setAttribute("data-refs", refs.join(",")); }
    });
    var article = document.querySelector("article.bd-article") ||
      document.querySelector('[role="main"]');
    if (!order.length || !article) { return; }
    var box = document.createElement("section");
    box.className = "br-print-sources";
    var head = document.createElement("h2");
    head.textContent = "Sources of the numbers on this page";
    box.appendChild(head);
    var list = document.createElement("ol");
    order.forEach(function (id) {
      var s = source(id);
      var li = document.createElement("li");
      li.textContent = s.p + (s.t ? ", \u201c" + s.t + "\u201d" : "") + (s.d ? " (" + s.d + ")" : "") +
        "." + (s.u ? " " + s.u : "");
      list.appendChild(li);
    });
    box.appendChild(list);
    article.appendChild(box);
  }

  // ---------------------------------------------------------------- search
  // Sphinx's search links a word found in a page's text to the page's top. Point the
  // result at the section where the words occur, and name that section.
  function sectionFor(htmlText, keywords) {
    var doc = new DOMParser().parseFromString(htmlText, "text/html");
    doc.querySelectorAll(".headerlink, script, style, .br-print-sources").forEach(
      function (el) { el.remove(); });
    var main = doc.querySelector('[role="main"]');
    if (!main) { return null; }
    var top = main.querySelector("section[id]");
    var words = Array.from(keywords).map(function (k) { return k.toLowerCase(); });
    var best = null, bestScore = 0;
    main.querySelectorAll("section[id]").forEach(function (sec) {
      if (sec === top || sec.querySelector("section[id]")) { return; }  // deepest only
      var text = sec.textContent.toLowerCase();
      var score = words.filter(function (w) { return text.indexOf(w) > -1; }).length;
      if (score > bestScore) { best = sec; bestScore = score; }
    });
    if (!best) {  // a word in a section with subsections: the nearest enclosing section
      main.querySelectorAll("section[id]").forEach(function (sec) {
        if (best || sec === top) { return; }
        var own = Array.from(sec.childNodes).filter(function (n) {
          return !(n.nodeType === 1 && n.matches("section"));
        }).map(function (n) { return n.textContent.toLowerCase(); }).join(" ");
        if (words.some(function (w) { return own.indexOf(w) > -1; })) { best = sec; }
      });
    }
    if (!best) { return null; }
    var term = termFor(best, words);
    if (term) { return term; }
    var heading = best.querySelector("h1, h2, h3, h4, h5, h6");
    return { id: best.id, title: heading ? heading.textContent.trim() : "" };
  }

  // In a glossary or another definition list, the entry the words occur in.
  function termFor(section, words) {
    var found = null;
    section.querySelectorAll("dl > dt[id]").forEach(function (dt) {
      if (found) { return; }
      var text = dt.textContent;
      for (var dd = dt.nextElementSibling; dd && dd.tagName !== "DT"; dd = dd.nextElementSibling) {
        text += " " + dd.textContent;
      }
      text = text.toLowerCase();
      if (words.some(function (w) { return text.indexOf(w) > -1; })) {
        found = { id: dt.id, title: dt.textContent.trim(), context: section.id };
      }
    });
    return found;
  }

  function searchSections() {
    if (typeof Search === "undefined" || typeof Search.makeSearchSummary !== "function") {
      return;
    }
    // Snippets are cut from the page's HTML: leave out what is not the page's text.
    var toText = Search.htmlToText;
    if (typeof toText === "function") {
      Search.htmlToText = function (htmlString, anchor) {
        var doc = new DOMParser().parseFromString(htmlString, "text/html");
        doc.querySelectorAll("[data-nosnippet]").forEach(function (el) { el.remove(); });
        return toText(doc.documentElement.outerHTML, anchor);
      };
    }
    var original = Search.makeSearchSummary;
    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      if (anchor) { return original(htmlText, keywords, anchor); }
      var section = null;
      try {
        section = sectionFor(htmlText, keywords);
      } catch (err) {
        console.warn("search sections: " + err);
      }
      var summary = original(htmlText, keywords,
                             section ? "#" + CSS.escape(section.context || section.id) : anchor);
      if (section && summary) {
        // _displayItem appends the summary to its result right after this returns.
        Promise.resolve().then(function () {
          var link = summary.parentElement && summary.parentElement.querySelector("a");
          if (!link || link.hash) { return; }
          var href = link.getAttribute("href") + "#" + encodeURIComponent(section.id);
          var twin = Array.from(document.querySelectorAll("#search-results li > a")).some(
            function (a) { return a !== link && a.getAttribute("href") === href; });
          if (twin) {  // e.g. a glossary term, already found as an object
            summary.parentElement.remove();
            return;
          }
          link.href = href;
          if (section.title) {
            var where = document.createElement("span");
            where.className = "br-search-section";
            where.textContent = " \u203a " + section.title;
            link.appendChild(where);
          }
        });
      }
      return summary;
    };
  }

  function start() {
    loadRegistry();
    document.querySelectorAll(".br-num").forEach(function (num) {
      buildPopup(num);
      wire(num);
    });
    document.addEventListener("keydown", onKey, true);
    window.addEventListener("scroll", follow, { passive: true });
    window.addEventListener("resize", follow);
    window.addEventListener("beforeprint", hide);
    printSources();
  }

  searchSections();  // before Sphinx's search runs (on DOMContentLoaded)
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
