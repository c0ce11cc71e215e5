// Menus and values from the server's field table (the page config's
// `fields`, derived from core/fields.py): what a control offers comes from
// the table — a choice's values with their catalogue labels
// (option.<field>.<value>), a number's menu values, an integer's range — and
// the template draws each control where the table places it
// (templates/partials/controls.html). Adding a value to the table adds it to
// the menu.

import { t } from "./i18n.js";

/** name -> field row (kind, default, options, values, low, high, effect, optional, place). */
export function fieldTable(config) {
  return new Map(config.fields.map((field) => [field.name, field]));
}

/** The values a menu lists for a field, in the table's order (an integer's
 * short range comes as its values: core.fieldkinds.Field.menu_values). */
export function menuValues(field) {
  if (field.kind === "choice") return field.options.map((option) => option.value);
  return field.values || [];
}

/** What the reader sees for one value: a choice's message, a number as it is. */
export function valueLabel(field, value) {
  if (field.kind !== "choice") return String(value);
  const option = field.options.find((o) => o.value === value);
  return t(option ? option.labelKey : `option.${field.name}.${value}`);
}

/** Fill a <select> with the field's values (again after a language switch;
 * the chosen value is kept). */
export function fillMenu(select, field) {
  const chosen = select.value;
  select.replaceChildren(
    ...menuValues(field).map((value) => {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = valueLabel(field, value);
      return option;
    }),
  );
  if (chosen) select.value = chosen;
}

/** Show `value` in a control: a <select> (a number the menu does not list,
 * as a pasted hash may carry, is added in order: the server accepts any in
 * range), a checkbox, or an <input> (null: empty). */
export function showValue(control, value) {
  if (control.type === "checkbox" || control.type === "range") {
    if (control.type === "checkbox") control.checked = Boolean(value);
    else control.value = String(value); // a slider always shows the session's value, focused or not
    return;
  }
  if (control.tagName !== "SELECT") {
    const text = value === null || value === undefined ? "" : String(value);
    if (control.value !== text && document.activeElement !== control) control.value = text;
    return;
  }
  const text = String(value);
  if (![...control.options].some((option) => option.value === text)) {
    const option = document.createElement("option");
    option.value = text;
    option.textContent = text;
    const after = [...control.options].find((o) => Number(o.value) > value);
    control.insertBefore(option, after || null);
  }
  control.value = text;
}

/** The value a control holds, typed as the field wants it: numbers as
 * numbers, a checkbox's state, an empty input of an optional field as null (not set). */
export function readValue(control, field) {
  if (control.type === "checkbox") return control.checked;
  const text = control.value.trim();
  if (field.kind === "number" || field.kind === "integer") {
    if (text === "" && field.optional) return null;
    return Number(text);
  }
  return text;
}
