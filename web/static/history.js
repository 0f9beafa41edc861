// Jobs page: cancel a queued or running job; delete a finished one after confirmation.
"use strict";

(function () {
  const error = document.getElementById("history-error");
  const filter = document.getElementById("state-filter");
  filter.addEventListener("change", () => filter.form.submit());

  async function act(row, confirmText, done) {
    if (confirmText && !window.confirm(confirmText)) return;
    const reply = await apiFetch(`/v1/jobs/${row.dataset.jobId}`, { method: "DELETE" });
    if (reply.ok) {
      done(reply);
    } else {
      let detail = `${reply.status} ${reply.statusText}`;
      try { detail = (await reply.json()).detail; } catch (err) { /* keep the status */ }
      error.textContent = `Job ${row.dataset.jobId.slice(0, 8)}: ${detail}`;
      error.hidden = false;
    }
  }

  for (const row of document.querySelectorAll("tr[data-job-id]")) {
    const id = row.dataset.jobId.slice(0, 8);
    const cancel = row.querySelector("button.cancel");
    const remove = row.querySelector("button.delete");
    if (cancel) {
      cancel.addEventListener("click", () => act(row, "", () => window.location.reload()));
    }
    if (remove) {
      remove.addEventListener("click", () =>
        act(row, `Delete job ${id} and its result? This cannot be undone.`, () => row.remove()));
    }
  }
})();
