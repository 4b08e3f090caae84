// Follows a batch label PDF: polls its status and shows the download link when ready.
const box = document.getElementById("label-job");

function unfinished(state) {
  return state === "queued" || state === "running";
}

function show(status) {
  const progress = document.getElementById("label-job-progress");
  progress.max = status.pages_total;
  progress.value = status.pages_done;
  const message = document.getElementById("label-job-message");
  message.textContent = status.message || "";
  message.hidden = !status.message;
  document.getElementById("label-job-running").hidden = !unfinished(status.state);
  document.getElementById("label-job-failed").hidden = status.state !== "failed";
  document.getElementById("label-job-done").hidden = status.state !== "done";
}

async function poll() {
  let state = "running";
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const status = await response.json();
      show(status);
      state = status.state;
    }
  } catch {
    // A dropped connection: keep polling, the job carries on on the server.
  }
  if (unfinished(state)) setTimeout(poll, 1000);
}

if (box && unfinished(box.dataset.state)) setTimeout(poll, 500);
