// The lecture's components that follow the session through the view
// (view.follow): each layer's initial range and the targets rule beside the
// lecture's options, the deck (deck.js) and the comparisons (comparison.js).
// Built once by the page; they send commands through it, never the socket.

import { InitRanges } from "./initranges.js";

const $ = (id) => document.getElementById(id);

/** Build the lecture's components for `page` and have its view draw into them. */
export function joinLesson(page) {
  const parts = {
    initRanges: new InitRanges($("init-ranges"), $("targets-rule")),
  };
  for (const part of Object.values(parts)) page.view.follow(part);
  return parts;
}
