// Build DOM elements without HTML strings: text is always set as text, never parsed.

/**
 * An element: h("button", {class: "primary", onclick: fn, disabled: true}, "Save").
 * Props starting with "on" add listeners; false/null props and children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "value") element.value = value;
    else if (name === "checked") element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * Call `handler` on `event` of `target` while `element` is on the page: the listener goes away
 * at the first event after the element was shown and then removed (screens are replaced whole).
 */
export function listenWhileShown(element, target, event, handler) {
  let shown = false;
  const listener = (...args) => {
    if (element.isConnected) shown = true;
    else if (shown) return target.removeEventListener(event, listener);
    handler(...args);
  };
  target.addEventListener(event, listener);
}
