// One message catalogue per language (static/i18n/<lang>.json), shared with
// the server, which renders the template's first text from the same files.
// Static elements name their message with data-i18n (text),
// data-i18n-html (trusted markup from our own catalogue) or
// data-i18n-attr="title:key;aria-label:key"; components that build text
// call t() / tn() / fill() and redraw when onLanguage() tells them.

const STORAGE_KEY = "playground.lang";
const listeners = [];
let current = "en";
let messages = {};
let supported = ["en", "ko"];

/** config: the page config (lang, languages, messages). */
export function initLanguage(config) {
  current = config.lang;
  messages = config.messages;
  supported = config.languages;
}

export function language() {
  return current;
}

/** The message for `key` with {name} placeholders filled from params. */
export function t(key, params = {}) {
  const text = messages[key];
  if (text === undefined) {
    console.error(`i18n: no message ${key} in ${current}`);
    return key;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** key.one for n = 1, key.other otherwise (Korean writes both the same). */
export function tn(key, n, params = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n, ...params });
}

/** The message as a list of strings and nodes: each {name} is replaced by
 * params[name], which may be a DOM node (a formula, a number with its source). */
export function fill(key, params = {}) {
  const text = t(key);
  const out = [];
  let last = 0;
  for (const match of text.matchAll(/\{(\w+)\}/g)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const value = params[match[1]];
    out.push(value === undefined || value === null ? match[0] : typeof value === "object" ? value : String(value));
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Put every static element's message in place. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-html]")) el.innerHTML = t(el.dataset.i18nHtml);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  document.documentElement.lang = current;
  document.title = t("page.title");
}

/** The language the reader asked for: ?lang= in the address, else the
 * choice saved in this browser, else the first of the browser's languages we
 * have; null when that is English by default and nothing asked otherwise. */
export function wantedLanguage() {
  const fromUrl = new URLSearchParams(window.location.search).get("lang");
  if (supported.includes(fromUrl)) return fromUrl;
  let saved = null;
  try {
    saved = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  if (supported.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language]) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (supported.includes(base)) return base;
  }
  return "en";
}

/** Switch live: fetch the catalogue, relabel the page, tell the components. */
export async function setLanguage(lang, { save = true } = {}) {
  if (!supported.includes(lang)) return;
  if (save) {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // storage refused (private mode): the choice lasts for this page only
    }
  }
  if (lang === current) return;
  const response = await fetch(`/static/i18n/${lang}.json`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  messages = await response.json();
  current = lang;
  applyStatic();
  for (const listener of listeners) listener(lang);
}

/** listener(lang) runs after every live switch. */
export function onLanguage(listener) {
  listeners.push(listener);
}
