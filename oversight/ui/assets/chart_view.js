// One chart of the dashboard, drawn once by the page's own plotly.js (oversight/ui/plotly_bundle.py serves it and
// names it in the HTML of pages with charts; oversight/ui/chart_view.py mounts this). Called again with new data on
// every rerun that changes the figure: Plotly.react redraws only what changed. A click on a point is sent back to
// Python as the "select" event, in st.plotly_chart's selection format, where the figure takes clicks.
const WAIT_MS = 20;
const GIVE_UP_MS = 60000;

// A tab that opened on a page without charts (the data page) and moved to one in Streamlit's own navigation has no
// plotly.js yet: it is added once, at the app's root, which is where Streamlit's entry script was loaded from.
function loadPlotly(bundle) {
  if (window.Plotly || document.querySelector(`script[src$="${bundle}"]`)) return;
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  const script = document.createElement("script");
  script.src = new URL(`../../${bundle}`, entry ? entry.src : new URL("./static/js/", location.href)).href;
  document.head.appendChild(script);
}

function whenPlotly(bundle, ready, failed) {
  loadPlotly(bundle);
  const started = performance.now();
  const poll = () => {
    if (window.Plotly) ready(window.Plotly);
    else if (performance.now() - started > GIVE_UP_MS) failed();
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
  // the latest render's: a click or a late Plotly reads these, not an earlier render's
  plot.oversightSpec = spec;
  plot.oversightSend = setTriggerValue;
  whenPlotly(
    spec.bundle,
    (Plotly) => {
      if (plot.oversightSpec !== spec) return; // a newer figure arrived while plotly.js was loading
      Plotly.react(plot, spec.figure.data, spec.figure.layout, spec.config);
      if (!plot.oversightResizing) {
        // the chart follows its column's width (a window resized, the sidebar opened or closed, a phone turned),
        // not only the window's: redrawn when the width it was drawn at is no longer the column's
        plot.oversightResizing = new ResizeObserver(() => {
          const drawnAt = plot._fullLayout && plot._fullLayout.width;
          if (drawnAt && Math.abs(plot.clientWidth - drawnAt) >= 1) Plotly.Plots.resize(plot);
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
      plot.textContent = spec.unavailable;
    },
  );
  return () => {
    if (plot.oversightResizing) plot.oversightResizing.disconnect();
    if (window.Plotly) window.Plotly.purge(plot);
  };
}
