// "Pause my view": any viewer, teacher or student, freezes their own screen
// while the session trains on. Frames that arrive meanwhile are not drawn
// (the newest is kept); a badge says the view is paused; resuming draws the
// newest frame at once. Nothing is sent to the session.

import { t } from "./i18n.js";

export class PauseView {
  /** button: the toggle; badge: "view paused"; redraw(frame): draws a kept frame. */
  constructor(button, badge, redraw) {
    this.button = button;
    this.badge = badge;
    this.redraw = redraw;
    this.on = false;
    this.kept = null; // the newest frame not drawn
    this.held = 0; // frames not drawn, for the tests and the console
    button.addEventListener("click", () => this.toggle());
    this.relabel();
  }

  toggle() {
    this.set(!this.on);
  }

  set(on) {
    this.on = on;
    this.button.setAttribute("aria-pressed", String(on));
    this.badge.hidden = !on;
    this.relabel();
    if (!on && this.kept) {
      const frame = this.kept;
      this.kept = null;
      this.redraw(frame);
    }
  }

  /** Called before a frame is drawn: true keeps it back. */
  holds(frame) {
    if (!this.on) return false;
    if (frame) {
      this.kept = frame;
      this.held += 1;
    }
    return true;
  }

  /** The button keeps its words; aria-pressed says whether the view is paused. */
  relabel() {
    this.button.textContent = t("view.pause");
    this.button.title = t("view.title");
    this.badge.textContent = t("view.badge");
  }

  /** A new session: nothing kept belongs to it. */
  reset() {
    this.kept = null;
  }
}
