// The lecture's components that follow the session through the view
// (view.follow): each layer's initial range and the targets rule beside the
// lecture's options, the deck (deck.js) and the comparisons (comparison.js).
// Built once by the page; they send commands through it, never the socket.

import { Deck } from "./deck.js";
import { InitRanges } from "./initranges.js";

const $ = (id) => document.getElementById(id);

/** Build the lecture's components for `page` and have its view draw into them. */
export function joinLesson(page) {
  const deck = new Deck(page.config, {
    command: (message) => page.command(message),
    controlling: () => Boolean(page.connection && page.connection.controlling),
    followTeacher: () => {
      if (page.lecture.local) page.lecture.followTeacher(); // a scene change brings a watcher back to the teacher's weight
    },
  });
  const parts = {
    initRanges: new InitRanges($("init-ranges"), $("targets-rule")),
    deck,
  };
  for (const part of Object.values(parts)) page.view.follow(part);
  // What presentation clickers send (PageDown / PageUp), and the arrows, once the class is on a scene.
  const allowed = () => deck.keysAllowed();
  page.shortcuts.add(["ArrowRight", "ArrowDown", "PageDown"], "keys.scene_next", () => deck.move(1), { shown: "keys.scene_next_keys", allowed });
  page.shortcuts.add(["ArrowLeft", "ArrowUp", "PageUp"], "keys.scene_previous", () => deck.move(-1), { shown: "keys.scene_previous_keys", allowed });
  return parts;
}
