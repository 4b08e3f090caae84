// Follows a background import: polls its status and moves the progress bar.
const panel = document.querySelector("[data-status-url]");
const bar = document.getElementById("import-bar");
const state = document.getElementById("import-state");
const number = new Intl.NumberFormat(document.documentElement.lang || undefined);

function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => number.format(values[name] ?? 0));
}

async function poll() {
  try {
    const response = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const status = await response.json();
      bar.max = Math.max(status.total, 1);
      bar.value = status.done;
      state.textContent = fill(state.dataset[status.state] || state.dataset.running, status);
      const message = document.getElementById("import-message");
      if (message) {
        message.textContent = status.message || "";
        message.hidden = !status.message;
      }
      if (status.state === "done" || status.state === "failed") return;
    }
  } catch (error) {
    // The network dropped for a moment: try again on the next tick.
  }
  setTimeout(poll, 1000);
}

if (panel && bar && state) poll();
