"""Where a warm Overview load spends the browser's main thread: a Chrome performance trace, summarised.

Two splits of the same trace, from navigation to drawn:
- by kind of work, as DevTools' summary does: each trace event's self time on the renderer's main thread,
  by its name (scripting, rendering = style and layout, painting, loading, other);
- by whose JavaScript, from the V8 sampling profiler in the trace: each sample's time goes to the script file
  of the deepest frame that has one (Streamlit ships Plotly in PlotlyChart.*.js and React in react-dom.*.js).
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.browser_bench import TIMEOUT_MS

CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "v8",
    "disabled-by-default-v8.cpu_profiler",
    "blink",
    "loading",
    "toplevel",
]

_KIND_OF_EVENT = {
    "scripting": {
        "EvaluateScript",
        "v8.compile",
        "v8.compileModule",
        "v8.evaluateModule",
        "FunctionCall",
        "TimerFire",
        "FireAnimationFrame",
        "EventDispatch",
        "RunMicrotasks",
        "V8.Execute",
        "v8.run",
        "XHRReadyStateChange",
        "XHRLoad",
        "FireIdleCallback",
        "MinorGC",
        "MajorGC",
        "V8.GC_SCAVENGER",
        "V8.GC_MARK_COMPACTOR",
        "BlinkGC.AtomicPhase",
        "v8.produceCache",
        "v8.produceModuleCache",
        "V8.DeoptimizeCode",
        "CpuProfiler::StartProfiling",
        "V8.CompileCode",
        "V8.StackGuard",
        "WebSocketReceiveHandshakeResponse",
        "v8.callFunction",
    },
    "rendering": {
        "Layout",
        "UpdateLayoutTree",
        "RecalculateStyles",
        "HitTest",
        "PrePaint",
        "Layerize",
        "UpdateLayer",
        "UpdateLayerTree",
        "IntersectionObserverController::computeIntersections",
        "ScheduleStyleRecalculation",
        "InvalidateLayout",
        "LocalFrameView::RunPostLifecycleSteps",
        "UpdateLifecycle",
        "Document::updateStyle",
    },
    "painting": {
        "Paint",
        "PaintImage",
        "CompositeLayers",
        "Commit",
        "RasterTask",
        "Decode Image",
        "ImageDecodeTask",
        "PaintSetup",
        "Layerize",
    },
    "loading": {
        "ParseHTML",
        "ParseAuthorStyleSheet",
        "ResourceSendRequest",
        "ResourceReceiveResponse",
        "ResourceFinish",
        "ResourceReceivedData",
    },
}
_KIND = {name: kind for kind, names in _KIND_OF_EVENT.items() for name in names}
_LIBRARIES = (
    # Streamlit's element (a bare `streamlit run`), or the bundle Oversight's server serves (oversight.ui.plotly_bundle)
    ("plotly", re.compile(r"/PlotlyChart\.[^/]*\.js$|/_oversight/plotly-cartesian\.[^/]*\.js$")),
    ("react", re.compile(r"/react(-dom)?\.[^/]*\.js$")),
    ("css-in-js (emotion, styled-components)", re.compile(r"/(emotion-|styled-components)[^/]*\.js$")),
    ("streamlit (its other chunks)", re.compile(r"/static/js/[^/]*\.js$")),
)


def trace_warm_visit(browser, url: str, probe: str, argument: Any, save_to: Path | None = None) -> dict[str, Any]:
    """Visit once to warm the browser cache, then trace a second visit in a new tab (saved for DevTools)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1300}, locale="zh-CN")
    try:
        for traced in (False, True):
            page = context.new_page()
            if traced:
                browser.start_tracing(page=page, categories=CATEGORIES)
            started = time.perf_counter()
            page.goto(url, wait_until="commit")
            page.wait_for_function(probe, arg=argument, polling="raf", timeout=TIMEOUT_MS)
            seconds = time.perf_counter() - started
            if traced:
                raw = browser.stop_tracing()
                trace = json.loads(raw)
                if save_to is not None:
                    save_to.parent.mkdir(parents=True, exist_ok=True)
                    save_to.write_bytes(raw)
            page.close()
        summary = summarise(trace["traceEvents"] if isinstance(trace, dict) else trace)
        summary["visit_s"] = seconds
        return summary
    finally:
        context.close()


def _main_thread(events: list[dict]) -> tuple[int, int]:
    names = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    busy: dict[tuple[int, int], float] = defaultdict(float)
    for event in events:
        if event.get("ph") == "X" and (event["pid"], event["tid"]) in names:
            busy[(event["pid"], event["tid"])] += event.get("dur", 0)
    return max(busy, key=busy.get)


def _by_kind(events: list[dict], thread: tuple[int, int]) -> dict[str, float]:
    """Self time (ms) of each event on the thread, by the kind its name says; nested events are subtracted."""
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and (e["pid"], e["tid"]) == thread and "dur" in e),
        key=lambda e: (e["ts"], -e["dur"]),
    )
    totals: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [end, kind, self time]

    def close(entry):
        totals[entry[1]] += entry[2] / 1000

    for event in spans:
        start, end = event["ts"], event["ts"] + event["dur"]
        while stack and stack[-1][0] <= start:
            close(stack.pop())
        parent_kind = stack[-1][1] if stack else "other"
        kind = _KIND.get(
            event["name"], parent_kind if event["name"] not in ("RunTask", "ThreadControllerImpl::RunTask") else "other"
        )
        if stack:
            stack[-1][2] -= event["dur"]
        stack.append([end, kind, event["dur"]])
    while stack:
        close(stack.pop())
    totals["total"] = sum(totals.values())
    return {kind: round(ms, 1) for kind, ms in sorted(totals.items())}


def _by_library(events: list[dict], pid: int) -> dict[str, float]:
    """Sampled time (ms) of the page's renderer by the script file of the deepest frame that has one;
    "program" is the renderer's own native work (style, layout, paint), as V8's profiler names it."""
    nodes: dict[tuple[int, int], dict] = {}
    samples: list[tuple[tuple[int, int], float]] = []
    for event in events:
        if event.get("name") != "ProfileChunk" or event["pid"] != pid:
            continue
        data = event["args"]["data"]
        profile = data.get("cpuProfile", {})
        key = event.get("id", event["pid"])
        for node in profile.get("nodes", []):
            nodes[(key, node["id"])] = node
        for node_id, delta in zip(profile.get("samples", []), data.get("timeDeltas", [])):
            samples.append(((key, node_id), delta / 1000))
    totals: dict[str, float] = defaultdict(float)
    for (key, node_id), ms in samples:
        node = nodes.get((key, node_id))
        label = "other"
        while node is not None:
            frame = node["callFrame"]
            if frame.get("url"):
                label = next((name for name, pattern in _LIBRARIES if pattern.search(frame["url"])), "other")
                break
            if frame.get("functionName") in ("(idle)", "(program)", "(garbage collector)", "(root)"):
                label = frame["functionName"].strip("()")
                break
            node = nodes.get((key, node["parent"])) if "parent" in node else None
        totals[label] += ms
    return {label: round(ms, 1) for label, ms in sorted(totals.items(), key=lambda item: -item[1])}


def summarise(events: list[dict]) -> dict[str, Any]:
    thread = _main_thread(events)
    return {"main_thread_ms": _by_kind(events, thread), "javascript_ms": _by_library(events, thread[0])}
