"""Static CSS and browser scripts of the UI (no external fonts, scripts or trackers)."""

from __future__ import annotations

# Bound to the axes figure (gr.HTML js_on_load): a click on a quadrant reports its scope to Python.
FIGURE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('[data-scope]');
  if (button) trigger('click', {scope: button.dataset.scope});
});
"""

# Bound to the sources panel (gr.HTML js_on_load), installed once per page: a citation marker [n] in an
# answer unfolds its answer's sources, brings the passage into view and marks it as the active one.
SOURCES_JS = """
if (!window.__scenarioCitations) {
  window.__scenarioCitations = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#src-"]');
    if (!link) return;
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    const group = target.closest('details');
    if (group) group.open = true;
    document.querySelectorAll('.src.active').forEach((el) => el.classList.remove('active'));
    target.classList.add('active');
    target.scrollIntoView({block: 'center'});
  }, true);
}
"""

CSS = """
#header-text h1 { margin: 0 0 .2rem 0; font-size: 1.6rem; }
#header-text p { margin: 0; color: var(--body-text-color-subdued); max-width: 60rem; }
#lang { max-width: 16rem; }
.sc-A { --sc: #c2410c; --sc-bg: #fff7ed; }
.sc-B { --sc: #1d4ed8; --sc-bg: #eff6ff; }
.sc-C { --sc: #047857; --sc-bg: #ecfdf5; }
.sc-D { --sc: #7e22ce; --sc-bg: #faf5ff; }
.sc-all { --sc: #334155; --sc-bg: #f1f5f9; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .75rem; font-weight: 600;
  color: #fff; background: var(--sc); margin-right: .4rem; }
.scope-chip { display: inline-block; margin-left: .4rem; padding: 0 .4rem; border-radius: 999px;
  font-size: .72rem; border: 1px solid currentColor; opacity: .75; }
.scope-line { padding: .35rem .7rem; border-left: 4px solid var(--sc); background: var(--sc-bg); color: #1e293b;
  border-radius: 4px; font-size: .9rem; }
#chat .standalone { font-size: .8rem; opacity: .65; font-style: italic; margin-bottom: .2rem; }
#chat .notice, #chat .dropped { font-size: .8rem; opacity: .7; }
#chat .progress { opacity: .75; font-style: italic; }
.spinner { display: inline-block; width: .8em; height: .8em; border: 2px solid currentColor;
  border-right-color: transparent; border-radius: 50%; animation: sa-spin .8s linear infinite;
  vertical-align: -.1em; }
@keyframes sa-spin { to { transform: rotate(360deg); } }
#chat .error { color: #b91c1c; }
#chat a[href^="#src-"] { text-decoration: none; font-weight: 600; font-size: .85em; padding: 0 .1rem;
  border-radius: 3px; background: rgba(37, 99, 235, .12); }
.sources { display: flex; flex-direction: column; gap: .5rem; }
.sources details { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .4rem .6rem; }
.sources summary { cursor: pointer; font-weight: 600; font-size: .9rem; }
.sources .muted { color: var(--body-text-color-subdued); font-size: .9rem; }
.src { margin: .5rem 0; padding: .5rem .6rem; border-radius: 6px; border-left: 4px solid var(--sc, #94a3b8);
  background: var(--block-background-fill); scroll-margin: 4rem; transition: box-shadow .3s; }
.src.active { box-shadow: 0 0 0 2px #2563eb; }
.src-head { font-size: .85rem; margin-bottom: .3rem; }
.src-n { font-weight: 700; margin-right: .3rem; }
.src-path { color: var(--body-text-color-subdued); }
.src-text { white-space: pre-line; font-size: .88rem; line-height: 1.45; }
.src-text mark { background: #fde68a; color: inherit; padding: 0 .1rem; border-radius: 2px; }
.axes-figure { display: grid; grid-template-columns: 1.3rem minmax(0, 1fr) 1.3rem; grid-template-rows: auto 1fr auto auto auto;
  gap: .25rem; align-items: center; }
.axes-figure .axis { font-size: .75rem; color: var(--body-text-color-subdued); text-align: center;
  text-transform: uppercase; letter-spacing: .04em; }
.axes-figure .axis-top { grid-column: 2; grid-row: 1; }
.axes-figure .axis-bottom { grid-column: 2; grid-row: 3; }
.axes-figure .axis-left { grid-column: 1; grid-row: 2; writing-mode: vertical-rl; transform: rotate(180deg); }
.axes-figure .axis-right { grid-column: 3; grid-row: 2; writing-mode: vertical-rl; }
.axes-figure .quads { grid-column: 2; grid-row: 2; display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px;
  position: relative; }
.axes-figure .quads::before, .axes-figure .quads::after { content: ""; position: absolute; background: #94a3b8; }
.axes-figure .quads::before { left: 50%; top: -4px; bottom: -4px; width: 2px; transform: translateX(-1px); }
.axes-figure .quads::after { top: 50%; left: -4px; right: -4px; height: 2px; transform: translateY(-1px); }
.quad { position: relative; z-index: 1; min-width: 0; overflow-wrap: anywhere; text-align: left; cursor: pointer; border: 2px solid transparent;
  border-radius: 8px; padding: .4rem .45rem; background: var(--sc-bg); color: #1e293b; display: flex;
  flex-direction: column; gap: .1rem; }
.quad:hover { border-color: var(--sc); }
.quad.selected { border-color: var(--sc); box-shadow: 0 0 0 2px var(--sc) inset; }
.quad .q-head { display: flex; gap: .3rem; align-items: flex-start; }
.quad .q-name { font-weight: 700; color: var(--sc); font-size: .84rem; line-height: 1.25; }
.quad .q-sub { font-size: .74rem; font-style: italic; line-height: 1.25; }
.quad .q-kw { font-size: .7rem; line-height: 1.3; opacity: .85; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
.q-letter { display: inline-block; width: 1.4rem; height: 1.4rem; line-height: 1.4rem; text-align: center;
  border-radius: 50%; background: var(--sc); color: #fff; font-weight: 700; font-size: .8rem; flex-shrink: 0; }
.all-scenarios { grid-column: 2; grid-row: 4; justify-self: center; cursor: pointer; padding: .25rem .9rem;
  border-radius: 999px; border: 1px solid #94a3b8; background: transparent; color: var(--body-text-color); }
.all-scenarios.selected { background: #334155; color: #fff; }
.axes-figure .hint { grid-column: 1 / 4; grid-row: 5; margin: 0; font-size: .75rem; text-align: center;
  color: var(--body-text-color-subdued); }
.compare h3 { margin: .3rem 0 .6rem 0; }
.cmp-grid { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .6rem; }
.cmp-cell { border-top: 4px solid var(--sc); background: var(--sc-bg); color: #1e293b; border-radius: 6px;
  padding: .55rem .65rem; display: flex; flex-direction: column; gap: .4rem; }
.cmp-head { font-weight: 700; color: var(--sc); }
.cmp-text { white-space: pre-line; font-size: .88rem; line-height: 1.45; flex: 1; }
.cmp-cite { font-size: .72rem; color: #475569; border-top: 1px dashed #cbd5e1; padding-top: .3rem; }
.examples-label { font-size: .8rem; color: var(--body-text-color-subdued); margin: .2rem 0; }
@media (max-width: 900px) { .cmp-grid { grid-template-columns: 1fr 1fr; } }
"""
