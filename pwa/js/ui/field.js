// Labelled form fields, so every input has a visible label and a 48 px touch target.

import { h } from "./h.js";

let counter = 0;

function nextId() {
  counter += 1;
  return "field-" + counter;
}

/** A labelled text-like input; props go to the <input>. */
export function inputField(label, props = {}) {
  const id = props.id || nextId();
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { ...props, id }));
}

/** A labelled select from [value, text] pairs. */
export function selectField(label, name, options, selected, props = {}) {
  const id = props.id || nextId();
  const select = h(
    "select",
    { ...props, id, name },
    options.map(([value, text]) => h("option", { value, selected: value === selected }, text)),
  );
  return h("div", { class: "field" }, h("label", { for: id }, label), select);
}

/** A group of radio buttons from [value, text] pairs. */
export function radioGroup(legend, name, options, selected) {
  return h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, legend),
    options.map(([value, text]) =>
      h("label", { class: "choice" }, h("input", { type: "radio", name, value, checked: value === selected }), text),
    ),
  );
}

/** One checkbox with its label (never ticked unless `checked`). */
export function checkbox(label, name, checked = false, props = {}) {
  return h("label", { class: "choice" }, h("input", { ...props, type: "checkbox", name, checked }), label);
}
