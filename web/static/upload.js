// Upload page: send each chosen file to POST /v1/recordings, show its header, then
// submit a job with POST /v1/jobs and go to the job's page.
"use strict";

(function () {
  const form = document.getElementById("job-form");
  const input = document.getElementById("file-input");
  const zone = document.getElementById("drop-zone");
  const list = document.getElementById("recordings");
  const uploadError = document.getElementById("upload-error");
  const submitError = document.getElementById("submit-error");
  const submit = document.getElementById("submit");
  const recordings = [];

  function show(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  async function detail(reply) {
    try {
      const body = await reply.json();
      return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (err) {
      return `the server answered ${reply.status} ${reply.statusText}`;
    }
  }

  function describe(rec) {
    const item = document.createElement("li");
    item.dataset.recordingId = rec.id;
    const title = document.createElement("strong");
    title.textContent = rec.filename;
    const facts = document.createElement("p");
    facts.textContent = `${rec.format.toUpperCase()}, ${rec.channel_names.length} channels, ` +
      `${rec.sfreq} Hz, ${rec.duration_s.toFixed(1)} s, ${rec.n_annotations} annotations`;
    const feeds = document.createElement("ul");
    for (const feed of rec.models) {
      const li = document.createElement("li");
      li.textContent = feed.can_feed ? `${feed.model}: can be fed` : `${feed.model}: ${feed.reason}`;
      feeds.append(li);
    }
    const channels = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = "Channels";
    const names = document.createElement("p");
    names.textContent = rec.channel_names.join(", ");
    channels.append(summary, names);
    item.append(title, facts, feeds, channels);
    for (const warning of rec.warnings) {
      const p = document.createElement("p");
      p.className = "hint";
      p.textContent = warning;
      item.append(p);
    }
    return item;
  }

  function updateModels() {
    for (const model of document.querySelectorAll(".model")) {
      const name = model.dataset.model;
      const unfit = recordings
        .map((rec) => rec.models.find((feed) => feed.model === name))
        .filter((feed) => feed && !feed.can_feed);
      const note = model.querySelector(".feed");
      note.classList.toggle("no", unfit.length > 0);
      note.textContent = unfit.length ? `Cannot be fed: ${unfit[0].reason}` :
        (recordings.length ? "Can be fed by the chosen recordings." : "");
      const box = model.querySelector("input");
      if (unfit.length) box.checked = false;
    }
    submit.disabled = recordings.length === 0;
  }

  async function upload(files) {
    show(uploadError, "");
    const failures = [];
    for (const file of files) {
      const data = new FormData();
      data.append("file", file, file.name);
      let reply;
      try {
        reply = await apiFetch("/v1/recordings", { method: "POST", body: data });
      } catch (err) {
        failures.push(`${file.name}: the server could not be reached (${err.message})`);
        continue;
      }
      if (reply.status === 201) {
        const rec = await reply.json();
        recordings.push(rec);
        list.append(describe(rec));
      } else {
        failures.push(await detail(reply));
      }
    }
    show(uploadError, failures.join("\n"));
    updateModels();
  }

  input.addEventListener("change", () => upload(Array.from(input.files)));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    upload(Array.from(event.dataTransfer.files));
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    show(submitError, "");
    const models = Array.from(form.querySelectorAll("input[name=models]:checked"), (b) => b.value);
    if (!models.length) {
      show(submitError, "Choose at least one model.");
      return;
    }
    submit.disabled = true;
    const body = {
      recording_ids: recordings.map((rec) => rec.id),
      models: models,
      options: { allow_untrained: document.getElementById("allow-untrained").checked },
    };
    const reply = await apiFetch("/v1/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (reply.status === 202) {
      const job = await reply.json();
      window.location.assign(`/jobs/${job.id}`);
    } else {
      show(submitError, await detail(reply));
      submit.disabled = false;
    }
  });
})();
