// The lecture's components that follow the session through the view
// (view.follow): each layer's initial range and the targets rule beside the
// lecture's options, the deck (deck.js) and the comparisons (comparison.js).
// Built once by the page; they send commands through it, never the socket.

import { ComparisonPanel } from "./comparison.js";
import { Deck } from "./deck.js";
import { ClassLoad, DeckEditor } from "./deckedit.js";
import { InitRanges } from "./initranges.js";

const $ = (id) => document.getElementById(id);

/** Presentation mode's copy of the explainer's update line (new w = w − α·∂E/∂w
 * with its numbers), shown beside the scene so that it is on the first screen. */
class PresentFormula {
  constructor(target, explainer) {
    this.target = target;
    this.explainer = explainer;
    explainer.addEventListener("explained", () => this.copy());
  }

  copy() {
    const line = this.explainer.querySelector(".explainer-main:not([hidden]) .per-point .update .big-math");
    this.target.hidden = !line;
    // A copy, outside #explainer: the explainer's own numbers stay the ones tests and readers check.
    this.target.replaceChildren(...(line ? [line.cloneNode(true)] : []));
  }
}

/** Presenting, the heatmap takes the height left under the scene and the bar (at most
 * 640 px, 42 % of the width), so that it is whole on the first screen; otherwise its CSS size. */
export function fitPresentation() {
  const heatmap = $("heatmap");
  heatmap.style.removeProperty("--hm");
  if (!document.body.classList.contains("present")) return;
  const top = heatmap.getBoundingClientRect().top + window.scrollY;
  const room = ((window.innerHeight - top - 8) * 260) / 300; // the box holds the axes too: 300 units for 260
  const side = Math.max(200, Math.min(640, room, 0.42 * window.innerWidth));
  heatmap.style.setProperty("--hm", `${Math.floor(side)}px`);
}

/** Build the lecture's components for `page` and have its view draw into them. */
export function joinLesson(page) {
  const deck = new Deck(page.config, {
    command: (message) => page.command(message),
    layOut: () => page.layOut(),
    controlling: () => Boolean(page.connection && page.connection.controlling),
    followTeacher: () => {
      if (page.lecture.local) page.lecture.followTeacher(); // a scene change brings a watcher back to the teacher's weight
    },
  });
  const comparison = new ComparisonPanel(page.config, {
    command: (message) => page.command(message),
    controlling: () => Boolean(page.connection && page.connection.controlling),
  });
  const classLoad = new ClassLoad($("class-load-dialog"));
  const editor = new DeckEditor(page.config.api, deck, {
    session: () => ({ id: page.connection.sessionId, token: page.connection.token, role: page.connection.role }),
    command: (message) => page.command(message),
    classLoad,
    watchers: () => (page.view.state ? page.view.state.watchers : 0),
    message: (text) => page.showMessage(text),
  });
  deck.handlers.changed = () => editor.dialog.open && editor.draw();
  const parts = {
    classLoad,
    editor,
    comparison,
    initRanges: new InitRanges($("init-ranges"), $("targets-rule")),
    deck,
    presentFormula: new PresentFormula($("present-formula"), $("explainer")),
  };
  page.view.follow(parts.initRanges);
  page.view.follow(deck);
  page.view.follow(comparison);
  // What presentation clickers send (PageDown / PageUp), and the arrows, once the class is on a scene.
  const allowed = () => deck.keysAllowed();
  page.shortcuts.add(["ArrowRight", "ArrowDown", "PageDown"], "keys.scene_next", () => deck.move(1), { shown: "keys.scene_next_keys", allowed });
  page.shortcuts.add(["ArrowLeft", "ArrowUp", "PageUp"], "keys.scene_previous", () => deck.move(-1), { shown: "keys.scene_previous_keys", allowed });
  return parts;
}
