// The connection badge in the run strip, the "You control this session"
// badge, the offer to resume after a server restart, why training stopped by
// itself (stopEpoch, stopLoss, a diverging loss), and short messages (a
// toast at the bottom of the window).

import { t } from "./i18n.js";

const STATUSES = ["connecting", "reconnecting", "connected", "watching", "lost"];

export class StatusBadge {
  constructor(badge, messageBox, controlBadge, resumeOffer, stopNotice) {
    this.badge = badge;
    this.messageBox = messageBox;
    this.controlBadge = controlBadge;
    this.resumeOffer = resumeOffer;
    this.stopNotice = stopNotice;
    this.stop = null; // {reason, epoch, loss} shown, or null
    messageBox.addEventListener("click", () => {
      messageBox.hidden = true;
    });
    this.timer = null;
    this.shown = "connecting";
    this.controlling = false;
  }

  /** status: one of STATUSES. A connection without control shows "watching";
   * with control, the badge says so. */
  set(status, controlling) {
    const shown = status === "connected" && !controlling ? "watching" : status;
    if (!STATUSES.includes(shown)) return;
    this.shown = shown;
    this.controlling = controlling && shown === "connected";
    this.relabel();
  }

  relabel() {
    this.badge.dataset.status = this.shown;
    this.badge.textContent = t(`status.${this.shown}`);
    this.badge.title = this.shown === "watching" ? t("status.watching_title") : "";
    this.controlBadge.hidden = !this.controlling;
    if (this.stop) this.writeStop();
  }

  /** Why training stopped by itself: reason "epoch", "loss" or "diverged"
   * (null: it did not, or a change cleared it), at `epoch` with test loss
   * `loss`. Called with every frame: the text changes only with the reason. */
  showStop(reason, epoch, loss) {
    if (!reason) {
      if (this.stop) {
        this.stop = null;
        this.stopNotice.hidden = true;
      }
      return;
    }
    if (this.stop && this.stop.reason === reason && this.stop.epoch === epoch) return;
    this.stop = { reason, epoch, loss };
    this.writeStop();
  }

  writeStop() {
    const { reason, epoch, loss } = this.stop;
    const params = { epoch: Math.round(epoch).toLocaleString("en-US"), loss: Number.isFinite(loss) ? String(Number(loss.toPrecision(3))) : String(loss) };
    this.stopNotice.textContent = t(`stop.${reason}`, params);
    this.stopNotice.dataset.reason = reason;
    this.stopNotice.hidden = false;
  }

  /** The server restarted while the session trained: it came back paused
   * (state.restored). The controller is offered to go on; playing, or
   * pausing, ends the offer for every page of the session. */
  offerResume(shown) {
    this.resumeOffer.hidden = !shown;
  }

  /** Show a server or page message for a few seconds. API messages stay as
   * the server wrote them (data-literal: they come from no catalogue). */
  message(text) {
    this.messageBox.textContent = text;
    this.messageBox.dataset.literal = "";
    this.messageBox.hidden = false;
    clearTimeout(this.timer);
    // Long enough to read a refusal; a click closes it sooner.
    this.timer = setTimeout(() => {
      this.messageBox.hidden = true;
    }, Math.max(6000, 60 * text.length));
  }
}
