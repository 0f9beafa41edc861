// Trainings page: upload labelled recordings, POST /v1/trainings, follow it, use the version.
"use strict";

(function () {
  const form = document.getElementById("training-form");
  const error = document.getElementById("training-error");
  const model = document.getElementById("training-model");
  const section = document.getElementById("training");
  const active = ["queued", "running"];
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  let current = null;

  function showLabels() {
    const option = model.selectedOptions[0];
    document.getElementById("model-labels").textContent = option.dataset.labels;
    const base = document.getElementById("training-base");
    base.disabled = option.dataset.ready !== "True";
    if (base.disabled) base.checked = false;
  }

  function fail(message) {
    error.textContent = message;
    error.hidden = false;
  }

  async function detail(reply) {
    try {
      const body = await reply.json();
      return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (err) {
      return `${reply.status} ${reply.statusText}`;
    }
  }

  function table(text) {
    const out = {};
    for (const line of text.split("\n")) {
      const [key, value] = line.split("=").map((s) => (s || "").trim());
      if (key && value) out[key] = value;
    }
    return out;
  }

  async function upload(file) {
    const body = new FormData();
    body.append("file", file);
    const reply = await apiFetch("/v1/recordings", { method: "POST", body });
    if (!reply.ok) throw new Error(`${file.name}: ${await detail(reply)}`);
    const recording = await reply.json();
    return { id: recording.id, name: file.name };
  }

  function source(kind, text, name) {
    if (kind === "annotations") return { annotations: table(text) };
    if (kind === "csv") return { csv: text };
    const label = table(text)[name];
    if (!label) throw new Error(`give the class of ${name} as "${name} = class"`);
    return { label };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const kind = form.querySelector("input[name=source]:checked").value;
    const text = document.getElementById("label-text").value;
    try {
      const files = Array.from(document.getElementById("training-files").files);
      const recordings = await Promise.all(files.map(upload));
      document.getElementById("recording-ids").value.split(/\s+/).filter(Boolean)
        .forEach((id) => recordings.push({ id, name: id }));
      if (!recordings.length) throw new Error("choose at least one recording");
      const labels = {};
      recordings.forEach((r) => { labels[r.id] = source(kind, text, r.name); });
      const body = {
        model: model.value,
        labels,
        settings: { epochs: Number(document.getElementById("training-epochs").value) },
      };
      if (document.getElementById("training-base").checked) body.base = "shipped";
      const reply = await apiFetch("/v1/trainings", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!reply.ok) throw new Error(await detail(reply));
      follow((await reply.json()).id);
    } catch (err) {
      fail(err.message);
    }
  });

  function render(training) {
    section.hidden = false;
    document.getElementById("training-id").textContent = training.id.slice(0, 8);
    document.getElementById("training-state").textContent = training.state;
    const p = training.progress;
    document.getElementById("training-stage").textContent =
      p.stage === "training" ? `epoch ${p.done} of ${p.total}` : p.stage;
    document.getElementById("training-progress").value = p.percent;
    document.getElementById("training-percent").textContent = `${p.percent}%`;
    document.getElementById("training-cancel").hidden = !active.includes(training.state);
    if (training.error) fail(`The training failed: ${training.error}`);
    const ev = training.evaluation;
    document.getElementById("evaluation").hidden = !ev;
    if (!ev) return;
    document.getElementById("eval-accuracy").textContent = pct(ev.accuracy);
    document.getElementById("eval-baseline").textContent = pct(ev.baseline_accuracy);
    document.getElementById("eval-chance").textContent = pct(ev.chance);
    let verdict = "It beats chance and the linear baseline on held-out trials.";
    if (!ev.beats_chance) verdict = "It does not beat chance: do not use its predictions.";
    else if (ev.accuracy <= ev.baseline_accuracy) {
      verdict = "It beats chance but not the linear baseline: more labelled trials would help.";
    }
    document.getElementById("eval-verdict").textContent = verdict;
    document.getElementById("eval-protocol").textContent =
      `${ev.protocol}; ${ev.n_windows} windows of ${ev.n_trials} trials.`;
    const rows = ev.confusion.map((row, k) =>
      `<tr><th scope="row">${ev.labels[k]}</th>${row.map((n) => `<td>${n}</td>`).join("")}</tr>`);
    document.getElementById("eval-confusion").innerHTML =
      `<tr><th>true \\ predicted</th>${ev.labels.map((l) => `<th>${l}</th>`).join("")}</tr>` +
      rows.join("");
    document.getElementById("version").textContent = training.version;
  }

  async function follow(id) {
    current = id;
    const reply = await apiFetch(`/v1/trainings/${id}`, { cache: "no-store" });
    if (!reply.ok) return fail(await detail(reply));
    const training = await reply.json();
    render(training);
    if (active.includes(training.state) && current === id) setTimeout(() => follow(id), 1000);
    else list();
  }

  document.getElementById("training-cancel").addEventListener("click", async () => {
    if (current) await apiFetch(`/v1/trainings/${current}`, { method: "DELETE" });
  });

  document.getElementById("use-run").addEventListener("click", async () => {
    const recording = document.getElementById("use-recording").value.trim();
    const version = document.getElementById("version").textContent;
    const reply = await apiFetch("/v1/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ recording_ids: [recording], models: [version] }),
    });
    if (!reply.ok) return fail(await detail(reply));
    window.location.href = `/jobs/${(await reply.json()).id}`;
  });

  async function list() {
    const reply = await apiFetch("/v1/trainings", { cache: "no-store" });
    if (!reply.ok) return;
    const items = (await reply.json()).trainings.map((t) => {
      const li = document.createElement("li");
      const figures = t.evaluation
        ? ` — ${pct(t.evaluation.accuracy)} (baseline ${pct(t.evaluation.baseline_accuracy)}, ` +
          `chance ${pct(t.evaluation.chance)})`
        : "";
      li.textContent = `${t.model} · ${t.state}${figures} ${t.version || ""}`;
      const open = document.createElement("button");
      open.className = "button";
      open.type = "button";
      open.textContent = "Open";
      open.addEventListener("click", () => follow(t.id));
      li.append(" ", open);
      return li;
    });
    document.getElementById("training-list").replaceChildren(...items);
  }

  model.addEventListener("change", showLabels);
  showLabels();
  list();
})();
