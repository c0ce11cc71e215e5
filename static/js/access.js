// The page's access for everyone (issue 19), wired once by main.js: the
// one-key shortcuts and their dialog, "pause my view", and what a screen
// reader hears of training (announce.js). Each part is its own module; this
// only connects them to the page.

import { Announcer } from "./announce.js";
import { KeyHelp } from "./keyhelp.js";
import { PauseView } from "./pauseview.js";
import { Shortcuts } from "./shortcuts.js";

const $ = (id) => document.getElementById(id);

/** page: the Page (main.js; its view is reached when a key is pressed). Returns {shortcuts, keyHelp, pauseView, announcer}. */
export function installAccess(page) {
  const shortcuts = new Shortcuts();
  const controls = page.controls;
  shortcuts.add([" "], "keys.play", () => controls.togglePlay(), { shown: "keys.space", allowed: () => controls.usable("playButton") });
  shortcuts.add(["s", "S"], "keys.step", () => page.step(), { allowed: () => controls.usable("stepButton") });
  shortcuts.add(["r", "R"], "keys.reset", () => page.command({ type: "reset" }), { allowed: () => controls.usable("resetButton") });
  shortcuts.add(["p", "P"], "keys.present", () => page.presentation.set(!page.presentation.on));
  const pauseView = new PauseView($("pause-view-button"), $("view-paused"), (frame) => page.view.gate.acceptFrame(frame));
  shortcuts.add(["v", "V"], "keys.pause_view", () => pauseView.toggle());
  const keyHelp = new KeyHelp($("keys-button"), $("keys-dialog"), shortcuts);
  shortcuts.add(["?"], "keys.help", () => keyHelp.open());
  const announcer = new Announcer($("live-region"), $("heatmap-summary"), $("network-table"), page.config.features);
  return { shortcuts, keyHelp, pauseView, announcer };
}
