// Job page: poll GET /v1/jobs/{id} until the job ends; cancel with DELETE.
"use strict";

(function () {
  const section = document.getElementById("job");
  const id = section.dataset.jobId;
  const state = document.getElementById("state");
  const bar = document.getElementById("progress");
  const percent = document.getElementById("percent");
  const error = document.getElementById("job-error");
  const cancel = document.getElementById("cancel");
  const stages = Array.from(document.querySelectorAll(".stages li"));
  const active = ["queued", "running"];

  function render(job) {
    section.dataset.state = job.state;
    state.textContent = job.state;
    bar.value = job.progress.percent;
    bar.textContent = `${job.progress.percent}%`;
    percent.textContent = `${job.progress.percent}%`;
    const current = stages.findIndex((li) => li.dataset.stage === job.progress.stage);
    const finished = job.progress.stage === "done";
    stages.forEach((li, k) => {
      li.classList.toggle("done", finished || (current >= 0 && k < current));
      li.classList.toggle("current", k === current && !finished);
    });
    if (job.error) {
      error.textContent = `The job failed: ${job.error}`;
      error.hidden = false;
    }
    cancel.hidden = !active.includes(job.state);
  }

  async function poll() {
    let reply;
    try {
      reply = await apiFetch(`/v1/jobs/${id}`, { cache: "no-store" });
    } catch (err) {
      setTimeout(poll, 2000);
      return;
    }
    if (!reply.ok) {
      error.textContent = `The job could not be read (${reply.status}).`;
      error.hidden = false;
      return;
    }
    const job = await reply.json();
    render(job);
    if (job.state === "succeeded") {
      window.location.assign(section.dataset.resultsUrl);
    } else if (active.includes(job.state)) {
      setTimeout(poll, 700);
    }
  }

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    const reply = await apiFetch(`/v1/jobs/${id}`, { method: "DELETE" });
    if (reply.ok) {
      render(await reply.json());
    } else {
      error.textContent = `The job could not be cancelled (${reply.status}).`;
      error.hidden = false;
      cancel.disabled = false;
    }
  });

  if (active.includes(section.dataset.state) || section.dataset.state === "succeeded") poll();
})();
