// The deck in the shared session: the scene the class is on (its title,
// caption, what the teacher does next, its variants, and in the brute-force
// scene the count), previous / next by button, by the arrow keys and by
// PageDown / PageUp (what presentation clickers send), and a jump to any
// scene. A scene change is one `scene` command: the server sets the session
// up and every page hears `scene` (and the state that follows), so a
// watcher's page follows by itself; a watcher looking closer at a weight of
// their own comes back to the teacher's (handlers.followTeacher).

import { fill, language, t, tn } from "./i18n.js";
import { scriptNodes } from "./symbols.js";
import { superscript } from "./typeset.js";

const $ = (id) => document.getElementById(id);

/** A scene's text in the page's language: built-in scenes carry {en, ko}, a teacher's is as written. */
export function inLanguage(text) {
  if (text === null || text === undefined) return "";
  if (typeof text === "string" || Array.isArray(text)) return text;
  return text[language()] || text.en || "";
}

/** A caption as lines (built-in: a list; a teacher's: text with new lines). */
export function captionLines(caption) {
  const text = inLanguage(caption);
  return (Array.isArray(text) ? text : String(text).split("\n")).filter((line) => line.trim() !== "");
}

export class Deck {
  /** config: the page config (its `deck`: the lecture's scenes); handlers:
   * command(message), controlling() -> bool, followTeacher(), layOut() (the scene's text changed height). */
  constructor(config, handlers) {
    this.handlers = handlers;
    this.root = $("deck");
    this.lectureScenes = config.deck || [];
    this.scenes = this.lectureScenes; // the session's deck: the lecture's until a `deck` message says otherwise
    this.own = false;
    this.index = null; // the scene the class is on (null: none yet)
    this.variant = 0;
    this.scene = null;
    this.jumpSignature = "";
    this.height = 0; // the section's height last drawn: presenting, a change lays the page out again
    this.title = $("scene-title");
    this.counter = $("scene-count");
    this.caption = $("scene-caption");
    this.nextStep = $("scene-next-step");
    this.variants = $("scene-variants");
    this.count = $("scene-count-line");
    this.jump = $("scene-jump");
    this.prevButton = $("scene-prev");
    this.nextButton = $("scene-next");
    this.startButton = $("deck-start");
    this.startButton.addEventListener("click", () => this.go(0, 0));
    this.prevButton.addEventListener("click", () => this.move(-1));
    this.nextButton.addEventListener("click", () => this.move(1));
    this.jump.addEventListener("change", () => {
      if (this.jump.value !== "") this.go(Number(this.jump.value), 0);
    });
    this.draw();
  }

  /** Whether the keys and buttons may move the class now. */
  usable() {
    return this.handlers.controlling() && this.scenes.length > 0;
  }

  /** The keys move the class only once it is on a scene (before that, arrows scroll the page). */
  keysAllowed() {
    return this.usable() && this.index !== null;
  }

  move(delta) {
    if (!this.usable()) return;
    const index = this.index === null ? 0 : Math.min(this.scenes.length - 1, Math.max(0, this.index + delta));
    if (index !== this.index) this.go(index, 0);
  }

  go(index, variant) {
    if (this.usable()) this.handlers.command({ type: "scene", index, variant });
  }

  /** `deck` and `scene` messages (view.follow hands us the types it does not handle). */
  receive(message) {
    if (message.type === "deck") {
      this.scenes = message.scenes;
      this.own = message.own;
      this.index = message.index;
      this.variant = message.variant || 0;
      this.scene = this.index === null ? null : this.scenes[this.index] || null;
      this.draw();
      if (this.handlers.changed) this.handlers.changed(); // the deck dialog, if open, lists the scenes again
    } else if (message.type === "scene") {
      this.index = message.index;
      this.variant = message.variant || 0;
      this.scene = message.scene;
      this.handlers.followTeacher();
      this.draw();
    }
  }

  update() {
    this.draw();
  }

  /** Our role changed: the buttons and keys follow. */
  setWatching() {
    this.draw();
  }

  relabel() {
    this.draw();
  }

  /** The page leaves its session: the next one's deck is the lecture's until it says otherwise. */
  reset() {
    this.scenes = this.lectureScenes;
    this.own = false;
    this.index = null;
    this.scene = null;
    this.draw();
  }

  draw() {
    const on = this.scene !== null && this.index !== null;
    this.root.hidden = !on; // off a scene, the page keeps its room (the lecture section starts the deck)
    this.root.classList.toggle("on-scene", on);
    this.root.dataset.index = on ? String(this.index) : "";
    this.root.dataset.variant = on ? String(this.variant) : "";
    const usable = this.usable();
    this.startButton.disabled = !usable;
    this.prevButton.disabled = !usable || !on || this.index === 0;
    this.nextButton.disabled = !usable || (on && this.index >= this.scenes.length - 1);
    this.nextButton.setAttribute("aria-label", t("deck.next"));
    this.nextButton.title = this.nextButton.getAttribute("aria-label");
    this.counter.textContent = on ? t("deck.counter", { n: this.index + 1, total: this.scenes.length }) : tn("deck.scenes", this.scenes.length);
    this.title.textContent = on ? inLanguage(this.scene.title) : t("deck.title");
    // The scene's own texts come from the deck (core/deck.py, or the teacher), not the catalogues.
    for (const el of [this.title, this.caption, this.variants]) el.toggleAttribute("data-literal", on);
    this.caption.replaceChildren(...(on ? captionLines(this.scene.caption) : []).map((line) => {
      const p = document.createElement("p");
      p.textContent = line;
      return p;
    }));
    const next = on ? inLanguage(this.scene.next) : "";
    this.nextStep.hidden = !next;
    const what = document.createElement("span");
    what.dataset.literal = "";
    what.textContent = next;
    this.nextStep.replaceChildren(...(next ? fill("deck.next_step", { what }) : []));
    this.drawVariants(on);
    this.drawCount(on ? this.scene.count : null);
    this.drawJump(usable, on);
    const height = this.root.offsetHeight;
    if (height !== this.height) {
      this.height = height;
      if (document.body.classList.contains("present")) this.handlers.layOut(); // the heatmap and diagram fit under it
    }
  }

  drawVariants(on) {
    const variants = on ? this.scene.variants || [] : [];
    this.variants.hidden = variants.length === 0;
    this.variants.replaceChildren(...variants.map((v) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "pill-button";
      button.textContent = inLanguage(v.label);
      button.dataset.variant = String(v.variant);
      button.setAttribute("aria-pressed", String(v.variant === this.variant));
      button.disabled = !this.usable();
      button.addEventListener("click", () => this.go(this.index, v.variant));
      return button;
    }));
  }

  /** The brute-force scene's count: 18 weights, 1000¹⁸ = 10⁵⁴ combinations. */
  drawCount(count) {
    this.count.hidden = !count;
    if (!count) return;
    this.count.dataset.weights = String(count.weights);
    const expr = document.createElement("span");
    expr.append(...scriptNodes(`${count.values}${superscript(count.weights)} = 10${superscript(count.digits - 1)}`));
    this.count.replaceChildren(...fill("deck.count", {
      weights: String(count.weights), values: count.values.toLocaleString("en-US"), expr,
      product: count.slide_product.toLocaleString("en-US"),
    }));
  }

  drawJump(usable, on) {
    this.jump.disabled = !usable;
    // Rebuilt only when the scenes or the language change: a state arrives with every step.
    const signature = JSON.stringify([language(), this.scenes.map((scene) => scene.title)]);
    if (signature !== this.jumpSignature) {
      this.jumpSignature = signature;
      this.fillJump();
    }
    this.jump.value = on ? String(this.index) : "";
  }

  fillJump() {
    const options = [new Option(t("deck.jump"), "")];
    this.scenes.forEach((scene, i) => options.push(new Option(`${i + 1}. ${inLanguage(scene.title)}`, String(i))));
    this.jump.replaceChildren(...options);
  }
}
