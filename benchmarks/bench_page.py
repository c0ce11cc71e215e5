"""The page's frame rate in headless Chromium (issue 13, target 2).

Opens the page on a real server, plays a network at speed 1 and counts, over
a window of seconds:

- painted: requestAnimationFrame callbacks in which the page drew a new
  server frame (``window.__playgroundStats.frames``, counted by the frame gate);
- received: binary frames that reached the page's websocket;
- display: the browser's own rAF rate (an independent loop), the ceiling.

It also prints where the renderer's main thread spent its time per painted
frame, from the DevTools ``Performance.getMetrics`` counters (script, style
recalculation, layout, and the rest of the main-thread tasks: paint
recording, canvas, parsing, GC).  Chromium's rasterisation and compositing
run off the main thread and are not in these figures.

    .venv/bin/python -m benchmarks.bench_page [--seconds 10] [--runs 2] [--network spiral|default|classes|all]

``classes`` is the 6x8 spiral with six classes: six output units and six
heatmaps blended per frame (static/js/classcolors.js).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS
from tests.browser.pageutil import DEFAULTS, SPIRAL_6X8, open_page
from tests.live_server import LiveServer

NETWORKS = {"default": DEFAULTS, "spiral": SPIRAL_6X8, "classes": f"{SPIRAL_6X8}&classes=6"}

# Before any page script: count binary websocket messages and display frames.
COUNTERS = """
window.__bench = { received: 0, display: 0 };
const addListener = WebSocket.prototype.addEventListener;
const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
Object.defineProperty(WebSocket.prototype, 'onmessage', {
  set(handler) {
    onmessage.set.call(this, (event) => {
      if (typeof event.data !== 'string') window.__bench.received += 1;
      return handler(event);
    });
  },
  get() { return onmessage.get.call(this); },
});
const loop = () => { window.__bench.display += 1; requestAnimationFrame(loop); };
requestAnimationFrame(loop);
"""

METRICS = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")


def counters(page: Any, cdp: Any) -> dict[str, float]:
    values = page.evaluate(
        "() => ({painted: window.__playgroundStats.frames, received: window.__bench.received,"
        " display: window.__bench.display, epoch: Number(document.getElementById('iter-number')"
        ".textContent.replace(/,/g, ''))})"
    )
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    values.update({name: metrics.get(name, 0.0) for name in METRICS})
    values["time"] = time.monotonic()
    return values


def measure(browser: Any, server: LiveServer, hash_: str, seconds: float) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(COUNTERS)
    open_page(page, server, hash_)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.click("#play-pause-button")
    time.sleep(2.0)  # let the server and the page settle into the pace
    before = counters(page, cdp)
    time.sleep(seconds)
    after = counters(page, cdp)
    page.click("#play-pause-button")
    context.close()
    span = after["time"] - before["time"]
    painted = after["painted"] - before["painted"]
    per_frame = 1000 / max(1, painted)
    result = {
        "painted_fps": painted / span,
        "received_fps": (after["received"] - before["received"]) / span,
        "display_fps": (after["display"] - before["display"]) / span,
        "epochs_per_s": (after["epoch"] - before["epoch"]) / span,
    }
    for name in METRICS:
        result[f"{name}_ms"] = (after[name] - before[name]) * per_frame
    result["other_ms"] = result["TaskDuration_ms"] - sum(result[f"{n}_ms"] for n in METRICS[1:])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=2, help="measurements per network (the machine is shared)")
    parser.add_argument("--network", choices=[*NETWORKS, "all"], default="all")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    names = list(NETWORKS) if args.network == "all" else [args.network]
    with LiveServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        print(
            f"{'network':8} {'run':>3} {'painted/s':>9} {'received/s':>10} {'display/s':>9} {'epochs/s':>8}"
            f"  main thread per painted frame (ms): {'task':>5} {'script':>6} {'style':>5} {'layout':>6} {'other':>5}"
        )
        for name in names:
            painted = []
            for run in range(1, args.runs + 1):
                r = measure(browser, server, NETWORKS[name], args.seconds)
                painted.append(r["painted_fps"])
                print(
                    f"{name:8} {run:>3} {r['painted_fps']:9.1f} {r['received_fps']:10.1f} {r['display_fps']:9.1f}"
                    f" {r['epochs_per_s']:8.1f}  {'':36}{r['TaskDuration_ms']:5.1f} {r['ScriptDuration_ms']:6.1f}"
                    f" {r['RecalcStyleDuration_ms']:5.1f} {r['LayoutDuration_ms']:6.1f} {r['other_ms']:5.1f}"
                )
            print(f"{name:8} median painted frames/s: {statistics.median(painted):.1f}")
        browser.close()


if __name__ == "__main__":
    main()
