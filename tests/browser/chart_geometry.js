// What a reader's eye checks on every report chart of a page (tests/browser/chart_checks.py).
// Returns a list of problems: see GEOMETRY there.
(opts) => {
  const tol = 1.0, OVERLAP = (opts && opts.overlap) || 2;
  const out = [];
  const W = window.innerWidth;
  const sw = document.documentElement.scrollWidth;
  if (sw > W + 0.5) out.push(`page is ${sw} px wide in a ${W} px viewport`);
  const visible = el => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    for (let e = el; e && e.tagName !== 'svg'; e = e.parentElement) {
      const o = e.getAttribute && e.getAttribute('opacity');
      if (o !== null && Number(o) === 0) return false;
      if (Number(getComputedStyle(e).opacity) === 0) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  const name = el => (el.textContent || '').trim().slice(0, 40);
  for (const fig of document.querySelectorAll('figure.br-chart')) {
    const who = fig.id;
    const box = fig.querySelector('.br-vega') || fig.querySelector('.br-static');
    const svg = box && Array.from(box.querySelectorAll('svg')).find(visible);
    if (!svg) { out.push(`${who}: no SVG`); continue; }
    const c = box.getBoundingClientRect();
    const cs = getComputedStyle(box);
    const inner = c.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const s = svg.getBoundingClientRect();
    const f = fig.getBoundingClientRect();
    if (f.right > W + tol || f.left < -tol) out.push(`${who}: figure spans ${f.left}..${f.right} in ${W} px`);
    if (s.width > inner + tol) out.push(`${who}: chart ${s.width.toFixed(1)} px wide in a ${inner.toFixed(1)} px column`);
    if (s.width < inner - 4) out.push(`${who}: chart ${s.width.toFixed(1)} px wide, column ${inner.toFixed(1)} px (does not fill it)`);
    if (box.scrollWidth > box.clientWidth + 1) out.push(`${who}: container scrolls (${box.scrollWidth} > ${box.clientWidth})`);
    if (s.left < c.left - tol || s.right > c.right + tol) out.push(`${who}: chart outside its container`);
    const texts = Array.from(svg.querySelectorAll('text')).filter(t => name(t) && visible(t));
    const rects = texts.map(t => [t, t.getBoundingClientRect()]);
    for (const [t, r] of rects) {
      if (r.left < s.left - tol || r.right > s.right + tol || r.top < s.top - tol || r.bottom > s.bottom + tol)
        out.push(`${who}: text "${name(t)}" clipped (${r.left.toFixed(0)}..${r.right.toFixed(0)} x ${r.top.toFixed(0)}..${r.bottom.toFixed(0)} in ${s.left.toFixed(0)}..${s.right.toFixed(0)} x ${s.top.toFixed(0)}..${s.bottom.toFixed(0)})`);
      if (/\u2026$/.test(t.textContent.trim())) out.push(`${who}: text cut short: "${name(t)}"`);
    }
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i][1], b = rects[j][1];
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > OVERLAP && dy > OVERLAP)
          out.push(`${who}: texts overlap: "${name(rects[i][0])}" and "${name(rects[j][0])}"`);
      }
    }
    const marks = Array.from(svg.querySelectorAll('.role-mark > *, .role-legend-symbol > *'))
      .filter(m => visible(m));
    for (const m of marks) {
      const r = m.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.left < s.left - tol || r.right > s.right + tol || r.top < s.top - tol || r.bottom > s.bottom + tol)
        out.push(`${who}: mark ${m.tagName} clipped (${r.left.toFixed(0)}..${r.right.toFixed(0)} x ${r.top.toFixed(0)}..${r.bottom.toFixed(0)})`);
    }
  }
  return out;
}
