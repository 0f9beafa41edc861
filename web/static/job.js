// Job page: poll GET /v1/jobs/{id} until the job ends. Cancel (DELETE) is offered only
// while the job is queued or running; Delete (DELETE of a finished job) asks first.
"use strict";

(function () {
  const section = document.getElementById("job");
  const id = section.dataset.jobId;
  const state = document.getElementById("state");
  const bar = document.getElementById("progress");
  const percent = document.getElementById("percent");
  const queue = document.getElementById("queue");
  const eta = document.getElementById("eta");
  const error = document.getElementById("job-error");
  const message = document.getElementById("job-message");
  const cancel = document.getElementById("cancel");
  const remove = document.getElementById("delete");
  const results = document.getElementById("results-link");
  const stages = Array.from(document.querySelectorAll(".stages li"));
  const active = ["queued", "running"];
  let firstSeen = null;

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
    message.textContent = job.progress.message || "";
    message.hidden = !job.progress.message;
    if (job.error) {
      error.textContent = `The job failed: ${job.error}`;
      error.hidden = false;
    }
    const running = active.includes(job.state);
    cancel.hidden = !running;
    remove.hidden = running;
    results.hidden = job.state !== "succeeded";
    if (!running) queue.textContent = "";
    eta.textContent = estimate(job);
  }

  // Time left from the rate of progress seen on this page (not before it was opened).
  function estimate(job) {
    if (job.state !== "running") return "";
    const now = Date.now();
    const fraction = job.progress.percent / 100;
    if (firstSeen === null) firstSeen = { time: now, fraction };
    const rate = (fraction - firstSeen.fraction) / ((now - firstSeen.time) / 1000);
    if (!(rate > 0) || fraction >= 1 || now - firstSeen.time < 3000) return "";
    const left = Math.round((1 - fraction) / rate);
    return left < 90 ? `about ${left} s left` : `about ${Math.round(left / 60)} min left`;
  }

  // Queued jobs this caller can see that were created before this one and still wait.
  async function showQueue() {
    const reply = await apiFetch("/v1/jobs?limit=1000", { cache: "no-store" });
    if (!reply.ok) return;
    const jobs = (await reply.json()).jobs;
    const created = Date.parse(section.dataset.created);
    const ahead = jobs.filter((job) => job.state === "queued" && Date.parse(job.created_at) < created);
    const busy = jobs.filter((job) => job.state === "running").length;
    queue.textContent = `waiting for a worker: ${ahead.length} queued job(s) ahead of it, ` +
      `${busy} running`;
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
    if (job.state === "queued") showQueue();
    if (job.state === "succeeded") {
      window.location.assign(section.dataset.resultsUrl);
    } else if (active.includes(job.state)) {
      setTimeout(poll, 700);
    }
  }

  async function send(button, verb) {
    button.disabled = true;
    const reply = await apiFetch(`/v1/jobs/${id}`, { method: "DELETE" });
    button.disabled = false;
    if (!reply.ok) {
      error.textContent = `The job could not be ${verb} (${reply.status}).`;
      error.hidden = false;
    }
    return reply;
  }

  cancel.addEventListener("click", async () => {
    const reply = await send(cancel, "cancelled");
    if (reply.status === 200) render(await reply.json());
  });

  remove.addEventListener("click", async () => {
    if (!window.confirm(`Delete job ${id.slice(0, 8)} and its result? This cannot be undone.`)) {
      return;
    }
    const reply = await send(remove, "deleted");
    if (reply.status === 204) window.location.assign(section.dataset.historyUrl);
  });

  if (active.includes(section.dataset.state)) poll();
})();
