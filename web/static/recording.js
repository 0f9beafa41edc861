// Recording page: delete the recording and its files, after confirmation.
"use strict";

(function () {
  const actions = document.getElementById("recording-actions");
  const button = document.getElementById("delete-recording");
  const error = document.getElementById("recording-error");
  const id = actions.dataset.recordingId;

  button.addEventListener("click", async () => {
    if (!window.confirm(`Delete recording ${id.slice(0, 8)} and its files? This cannot be undone.`)) {
      return;
    }
    button.disabled = true;
    const reply = await apiFetch(`/v1/recordings/${id}`, { method: "DELETE" });
    if (reply.status === 204) {
      window.location.assign(actions.dataset.historyUrl);
      return;
    }
    let detail = `${reply.status} ${reply.statusText}`;
    try { detail = (await reply.json()).detail; } catch (err) { /* keep the status */ }
    error.textContent = `The recording could not be deleted: ${detail}`;
    error.hidden = false;
    button.disabled = false;
  });
})();
