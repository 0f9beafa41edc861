// Upload page: send each chosen recording, with its companion files and the reader
// options, to POST /v1/recordings (showing upload progress), show its header, then
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
  const RECORDINGS = ["edf", "bdf", "mat", "set"];
  const NUMBERS = ["sfreq", "window_s", "max_gap_s"];

  function show(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  function detailOf(status, text) {
    try {
      const body = JSON.parse(text);
      return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (err) {
      return `the server answered ${status}`;
    }
  }

  const extension = (name) => name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  const stem = (name) => name.slice(0, name.lastIndexOf(".")).toLowerCase();

  // Recordings with their companions: a companion goes with the recording of the same
  // name, or with the only recording chosen. Returns [groups, problems].
  function group(files) {
    const groups = files.filter((f) => RECORDINGS.includes(extension(f.name)))
      .map((file) => ({ file, companions: [] }));
    const problems = [];
    for (const file of files.filter((f) => !RECORDINGS.includes(extension(f.name)))) {
      const owner = groups.find((g) => stem(g.file.name) === stem(file.name)) ||
        (groups.length === 1 ? groups[0] : null);
      if (owner) {
        owner.companions.push(file);
      } else if (groups.length === 0) {
        problems.push(`${file.name} is a companion file: choose it together with its ` +
          "recording (EDF, BDF, MAT or EEGLAB .set)");
      } else {
        problems.push(`${file.name}: cannot tell which recording it belongs to; give it the ` +
          "same name as its recording, or upload that recording alone with it");
      }
    }
    return [groups, problems];
  }

  // "E1=Fp1, E2=Fp2" as {E1: "Fp1", E2: "Fp2"}; throws with a sentence on another form.
  function channelMap(value) {
    const map = {};
    for (const pair of value.split(",").map((s) => s.trim()).filter(Boolean)) {
      const parts = pair.split("=").map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1]) {
        throw new Error(`Rename channels: "${pair}" is not OLD=NEW; write pairs such as ` +
          "E1=Fp1, E2=Fp2");
      }
      map[parts[0]] = parts[1];
    }
    return map;
  }

  function readerOptions() {
    const options = {};
    for (const field of document.querySelectorAll("[data-option]")) {
      const value = field.value.trim();
      if (!value) continue;
      const name = field.dataset.option;
      if (name === "ch_names") {
        options[name] = value.split(",").map((s) => s.trim()).filter(Boolean);
      } else if (name === "channel_map") {
        options[name] = channelMap(value);
      } else {
        options[name] = NUMBERS.includes(name) ? Number(value) : value;
      }
    }
    return options;
  }

  // POST with XMLHttpRequest, which reports upload progress (fetch does not).
  function post(url, data, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      const key = apiKey();
      if (key) xhr.setRequestHeader("X-API-Key", key);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener("load", () => resolve({ status: xhr.status, text: xhr.responseText }));
      xhr.addEventListener("error", () => reject(new Error("the server could not be reached")));
      xhr.send(data);
    });
  }

  const mb = (bytes) => (bytes / 1e6).toFixed(1);

  function pending(names) {
    const item = document.createElement("li");
    item.className = "uploading";
    const title = document.createElement("strong");
    title.textContent = names.join(" + ");
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "hint";
    status.setAttribute("aria-live", "polite");
    status.textContent = " starting the upload…";
    item.append(title, document.createElement("br"), bar, status);
    list.append(item);
    return {
      item,
      progress(loaded, total) {
        bar.value = loaded / total;
        status.textContent = loaded < total ? ` ${mb(loaded)} of ${mb(total)} MB sent` :
          ` ${mb(total)} MB sent; reading the recording…`;
      },
    };
  }

  function describe(rec) {
    const item = document.createElement("li");
    item.dataset.recordingId = rec.id;
    const title = document.createElement("a");
    title.href = `/recordings/${rec.id}`;
    title.textContent = rec.filename;
    const facts = document.createElement("p");
    const companions = rec.companions.length ? ` with ${rec.companions.join(", ")}` : "";
    facts.textContent = `${rec.format.toUpperCase()}, ${rec.channel_names.length} channels, ` +
      `${rec.sfreq} Hz, ${rec.duration_s.toFixed(1)} s, ${rec.n_annotations} annotations` +
      companions;
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
    const [groups, failures] = group(files);
    let options;
    try {
      options = readerOptions();
    } catch (err) {
      show(uploadError, err.message);
      return;
    }
    for (const { file, companions } of groups) {
      const data = new FormData();
      data.append("file", file, file.name);
      for (const companion of companions) data.append("companions", companion, companion.name);
      if (Object.keys(options).length) data.append("options", JSON.stringify(options));
      const row = pending([file.name, ...companions.map((c) => c.name)]);
      let reply;
      try {
        reply = await post("/v1/recordings", data, row.progress);
      } catch (err) {
        row.item.remove();
        failures.push(`${file.name}: ${err.message}`);
        continue;
      }
      if (reply.status === 201) {
        const rec = JSON.parse(reply.text);
        recordings.push(rec);
        row.item.replaceWith(describe(rec));
      } else {
        row.item.remove();
        failures.push(detailOf(reply.status, reply.text));
      }
    }
    show(uploadError, failures.join("\n"));
    updateModels();
  }

  input.addEventListener("change", () => {
    const files = Array.from(input.files);
    input.value = ""; // choosing the same file again (after fixing an option) uploads it again
    upload(files);
  });
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
      options: {
        allow_untrained: document.getElementById("allow-untrained").checked,
        figures: document.getElementById("figures").checked,
      },
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
      show(submitError, detailOf(reply.status, await reply.text()));
      submit.disabled = false;
    }
  });
})();
