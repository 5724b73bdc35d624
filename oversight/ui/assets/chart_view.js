// One chart of the dashboard, drawn once by the page's own plotly.js (oversight/ui/plotly_bundle.py serves it and
// names it in the HTML of pages with charts; oversight/ui/chart_view.py mounts this). Called again with new data on
// every rerun that changes the figure: Plotly.react redraws only what changed. A click on a point is sent back to
// Python as the "select" event, in st.plotly_chart's selection format, where the figure takes clicks.
const WAIT_MS = 20;
const GIVE_UP_MS = 60000;

function bundleScript(bundle) {
  return document.querySelector(`script[src$="${bundle}"]`);
}

// A tab that opened on a page without charts (the data page) and moved to one in Streamlit's own navigation has no
// plotly.js yet: it is added once, at the app's root, which is where Streamlit's entry script was loaded from. A
// script that failed to load (marked so by its error event, here and in the page's loader) is replaced: a later
// render tries again.
function loadPlotly(bundle) {
  if (window.Plotly) return;
  const existing = bundleScript(bundle);
  if (existing && !existing.hasAttribute("data-failed")) return;
  if (existing) existing.remove();
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  const script = document.createElement("script");
  script.src = new URL(`../../${bundle}`, entry ? entry.src : new URL("./static/js/", location.href)).href;
  script.onerror = () => script.setAttribute("data-failed", "");
  document.head.appendChild(script);
}

function whenPlotly(bundle, cancelled, ready, failed) {
  loadPlotly(bundle);
  const started = performance.now();
  const poll = () => {
    if (cancelled()) return; // unmounted, or a newer figure took its place
    const script = bundleScript(bundle);
    if (window.Plotly) ready(window.Plotly);
    else if ((script && script.hasAttribute("data-failed")) || performance.now() - started > GIVE_UP_MS) failed();
    else setTimeout(poll, WAIT_MS);
  };
  poll();
}

function asSelection(point) {
  return {
    curve_number: point.curveNumber,
    point_number: point.pointNumber,
    point_index: point.pointIndex,
    x: point.x === undefined ? null : point.x,
    y: point.y === undefined ? null : point.y,
    label: point.label === undefined ? null : point.label,
    customdata: point.customdata === undefined ? null : point.customdata,
  };
}

// The value labels that fit at the width the chart is drawn at (oversight/charts/labels.py worked out, for every
// labelled trace, each label's least width): neighbouring bars' labels ran together into false numbers on a phone
// (3 and 3 read 33), a line's into each other and over the plot's edge. A trace without that meta is as it came.
// And the legend's "…: 0" entry on the lines it needs at that width (oversight/charts/none_entry.py's
// screen_variants): the figure comes with a phone card's lines, three where one fits a wide column.
function fittedData(spec, width) {
  let names = null;
  for (const variant of spec.legends || []) if (width >= variant.from) names = variant.names;
  const dark = darkPage() ? spec.dark || [] : [];
  return spec.figure.data.map((trace, index) => {
    const fit = trace.meta && trace.meta.oversight_labels;
    const name = names ? names[String(index)] : undefined;
    const patch = dark[index];
    if (!fit && name === undefined && !(patch && Object.keys(patch).length)) return trace;
    const fitted = name === undefined ? { ...trace } : { ...trace, name };
    // (a heatmap's text is a row of counts per unit: a row left out is a row of blanks)
    const blank = (text) => (Array.isArray(text) ? text.map(() => "") : "");
    if (fit) fitted.text = fit.text.map((text, i) => (fit.from[i] !== null && width >= fit.from[i] ? text : blank(text)));
    return patch ? laidOver(fitted, patch) : fitted;
  });
}

// On a dark page (ui/assets/scheme.js marks the root), each trace's dark colours (oversight/charts/dark.py's
// screen_patch) are laid over it: its hover boxes and a heatmap's cells, which the page's CSS cannot reach. Not while
// the page is printed: paper is white whatever the screen's theme (app.css), and the dark heatmap's cells of no
// meetings, a shade of the dark page, read on paper as the most.
const PRINT = window.matchMedia("print");
let printing = PRINT.matches;

function darkPage() {
  return !printing && document.documentElement.dataset.oversightScheme === "dark";
}

function isPlain(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function laidOver(trace, patch) {
  const merged = { ...trace };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = isPlain(value) && isPlain(merged[key]) ? laidOver(merged[key], value) : value;
  }
  return merged;
}

// Every chart drawn again when the page turns dark or light (the settings menu, the system's setting), and when it
// is printed and back: Plotly draws at once, before the browser takes the page for paper.
function watchScheme() {
  const root = document.documentElement;
  if (root.oversightChartsWatchScheme) return;
  root.oversightChartsWatchScheme = true;
  let drawnFor = darkPage();
  const redraw = () => {
    if (darkPage() === drawnFor) return;
    drawnFor = darkPage();
    for (const plot of document.querySelectorAll(".oversight-chart")) {
      const spec = plot.oversightSpec;
      if (!spec || !plot._fullLayout || !window.Plotly) continue;
      const width = plot.clientWidth;
      Promise.resolve(window.Plotly.react(plot, fittedData(spec, width), fittedLayout(spec, width), spec.config))
        .then(() => insidesHidden(plot))
        .catch(() => {});
    }
  };
  new MutationObserver(redraw).observe(root, { attributes: true, attributeFilter: ["data-oversight-scheme"] });
  const printed = (now) => () => {
    printing = now === null ? PRINT.matches : now;
    redraw();
  };
  PRINT.addEventListener("change", printed(null));
  window.addEventListener("beforeprint", printed(true));
  window.addEventListener("afterprint", printed(null));
}

// The title on the lines it needs at that width (oversight/charts/style.py's screen_titles, the same fitting as an
// exported picture's): the figure comes with a phone card's lines, which on a wide column read as broken early.
// And the quarters' ticks that stand apart at that width (oversight/charts/ticks.py's screen_ticks): a phone's
// heatmap read "Q1Q2Q3Q4" as one word; every second quarter's tick is left out there.
// And the value axis under bars across (oversight/charts/ticks.py's screen_value_axes): its ticks as many as fit and
// its title on the lines it needs at that width, with the bottom margin they take; a phone's card's 0, 2,000 and
// "Issues /" over "suggestions" read as sparse and broken early on a wide column.
function valueAxesAt(spec, width) {
  let fitted = null;
  for (const variant of spec.value_axes || []) if (width >= variant.from) fitted = variant;
  return fitted;
}

function fittedLayout(spec, width) {
  let layout = spec.figure.layout;
  let ticks = null;
  for (const variant of spec.ticks || []) if (width >= variant.from) ticks = variant;
  if (ticks) {
    layout = { ...layout };
    for (const [axis, ticktext] of Object.entries(ticks.axes)) layout[axis] = { ...layout[axis], ticktext };
  }
  const values = valueAxesAt(spec, width);
  if (values) {
    const { title, ...axisTicks } = values.xaxis;
    layout = {
      ...layout,
      xaxis: { ...layout.xaxis, ...axisTicks, title: { ...(layout.xaxis || {}).title, ...title } },
      margin: { ...layout.margin, ...values.margin },
    };
  }
  let fitted = null;
  for (const title of spec.titles || []) if (width >= title.from) fitted = title;
  if (!fitted) return layout;
  return {
    ...layout,
    title: { ...layout.title, text: fitted.text, y: fitted.y },
    margin: { ...layout.margin, t: fitted.top },
  };
}

function sameTitle(plot, layout) {
  const drawn = plot.layout && plot.layout.title && plot.layout.title.text;
  return drawn === (layout.title && layout.title.text);
}

function sameTicks(plot, layout) {
  return Object.keys(layout)
    .filter((name) => name.startsWith("xaxis") && layout[name] && layout[name].ticktext)
    .every((name) => {
      const drawn = plot.layout && plot.layout[name] && plot.layout[name].ticktext;
      return JSON.stringify(drawn) === JSON.stringify(layout[name].ticktext);
    });
}

function sameValueAxis(plot, layout) {
  const drawn = (plot.layout && plot.layout.xaxis) || {};
  const wanted = layout.xaxis || {};
  return drawn.dtick === wanted.dtick && (drawn.title || {}).text === (wanted.title || {}).text;
}

function sameTexts(plot, data) {
  return data.every((trace, i) => {
    const drawn = plot.data[i] && plot.data[i].text;
    return !trace.meta || !trace.meta.oversight_labels || JSON.stringify(drawn) === JSON.stringify(trace.text);
  });
}

function sameNames(plot, data) {
  return data.every((trace, i) => !plot.data[i] || plot.data[i].name === trace.name);
}

// The SVG's ticks and labels are in the image's name already (role img, aria-label): not read out again after it.
// And the toolbar's zoom and pan buttons, pointer tools, out of the Tab order: six stops a chart before its 下载 (and
// focusable inside what a screen reader is told to skip).
function insidesHidden(plot) {
  for (const child of plot.children) child.setAttribute("aria-hidden", "true");
  for (const button of plot.querySelectorAll(".modebar-btn")) button.setAttribute("tabindex", "-1");
  scalableForPrint(plot);
}

// The drawn size as each SVG's viewBox (the same size on screen: nothing changes there), and its proportions on the
// box, so that a printed page (app.css's print rules) scales the chart to the paper's column: Ctrl+P and a headless
// print lay the page out for paper and print it without the redraw at the new width, and a chart drawn at a wide
// window's 690 px ran past its card and was cut at the paper's edge.
function scalableForPrint(plot) {
  const layout = plot._fullLayout;
  if (!layout || !layout.width || !layout.height) return;
  for (const svg of plot.querySelectorAll(".svg-container > svg.main-svg")) {
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  }
  const box = plot.querySelector(".svg-container");
  if (box) box.style.setProperty("--oversight-chart-ratio", `${layout.width} / ${layout.height}`);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let plot = parentElement.querySelector(":scope > .oversight-chart");
  if (!plot) {
    plot = document.createElement("div");
    plot.className = "oversight-chart";
    plot.style.width = "100%";
    parentElement.appendChild(plot);
  }
  const spec = data;
  watchScheme();
  // one image with a name for a screen reader (oversight/ui/chart_view.py's alt: the title and its reading), not
  // the SVG's every tick and label read in a row; role img makes what is inside it presentational
  plot.setAttribute("role", "img");
  plot.setAttribute("aria-label", spec.alt || "");
  // the latest render's: a click or a late Plotly reads these, not an earlier render's
  plot.oversightSpec = spec;
  plot.oversightSend = setTriggerValue;
  let unmounted = false;
  whenPlotly(
    spec.bundle,
    // a newer figure arrived while plotly.js was loading, or the element went
    () => unmounted || plot.oversightSpec !== spec,
    (Plotly) => {
      if (!plot._fullLayout) plot.textContent = ""; // an earlier render's message that plotly.js had failed
      Promise.resolve(
        Plotly.react(plot, fittedData(spec, plot.clientWidth), fittedLayout(spec, plot.clientWidth), spec.config),
      )
        .then(() => insidesHidden(plot))
        .catch(() => {});
      if (!plot.oversightResizing) {
        // the chart follows its column's width (a window resized, the sidebar opened or closed, a phone turned),
        // not only the window's: redrawn when the width it was drawn at is no longer the column's
        plot.oversightResizing = new ResizeObserver(() => {
          const drawnAt = plot._fullLayout && plot._fullLayout.width;
          // not while hidden (width 0, on its way out): plotly.js refuses, with a rejected promise
          if (drawnAt && plot.clientWidth > 0 && Math.abs(plot.clientWidth - drawnAt) >= 1) {
            const current = plot.oversightSpec;
            const data = fittedData(current, plot.clientWidth);
            const layout = fittedLayout(current, plot.clientWidth);
            // the labels and title lines that fit the new width, then the new width: a redraw at the old width only
            // where they differ
            const relabelled =
              sameTexts(plot, data) &&
              sameNames(plot, data) &&
              sameTitle(plot, layout) &&
              sameTicks(plot, layout) &&
              sameValueAxis(plot, layout)
                ? Promise.resolve()
                : Plotly.react(plot, data, layout, current.config);
            Promise.resolve(relabelled)
              .then(() => Plotly.Plots.resize(plot))
              .then(() => insidesHidden(plot))
              .catch(() => {});
          }
        });
        plot.oversightResizing.observe(plot);
      }
      if (!plot.oversightListening) {
        plot.oversightListening = true;
        plot.on("plotly_click", (event) => {
          if (plot.oversightSpec.clickable) plot.oversightSend("select", event.points.map(asSelection));
        });
      }
    },
    () => {
      if (!unmounted && plot.oversightSpec === spec) {
        plot.textContent = spec.unavailable;
        plot.setAttribute("aria-label", spec.unavailable); // no chart to name: its message is what is there
      }
    },
  );
  return () => {
    unmounted = true;
    // Streamlit may run an earlier render's cleanup after a newer render has drawn (its data changed while the
    // module loaded): the chart is the newer render's then, and stays
    if (plot.oversightSpec !== spec) return;
    if (plot.oversightResizing) plot.oversightResizing.disconnect();
    plot.oversightResizing = null;
    if (window.Plotly) window.Plotly.purge(plot); // removes the click listener too: the next draw adds it again
    plot.oversightListening = false;
  };
}
