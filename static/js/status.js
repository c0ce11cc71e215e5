// The connection badge in the run strip and short server messages.

const TEXT = {
  connecting: "connecting…",
  reconnecting: "reconnecting…",
  connected: "connected",
  watching: "watching",
  lost: "session ended",
};

export class StatusBadge {
  constructor(badge, messageBox) {
    this.badge = badge;
    this.messageBox = messageBox;
    this.timer = null;
  }

  /** status: a key of TEXT. A connection without control shows "watching". */
  set(status, controlling) {
    const shown = status === "connected" && !controlling ? "watching" : status;
    this.badge.dataset.status = shown;
    this.badge.textContent = TEXT[shown];
    this.badge.title = shown === "watching" ? "You are watching this session; its owner controls it." : "";
  }

  /** Show a server or page message for a few seconds. */
  message(text) {
    this.messageBox.textContent = text;
    this.messageBox.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.messageBox.hidden = true;
    }, 6000);
  }
}
