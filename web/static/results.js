// Results page: a plot that cannot be drawn is replaced by the service's reason.
"use strict";

(function () {
  async function explain(img) {
    let message;
    try {
      const reply = await apiFetch(img.src);
      const body = await reply.json();
      message = body.detail;
    } catch (err) {
      message = "the image could not be loaded";
    }
    const note = document.createElement("p");
    note.className = "error";
    note.setAttribute("role", "status");
    note.textContent = `This plot is not available: ${message}`;
    img.replaceWith(note);
  }

  for (const img of document.querySelectorAll(".plot img")) {
    if (img.complete && img.naturalWidth === 0) {
      explain(img);
    } else {
      img.addEventListener("error", () => explain(img), { once: true });
    }
  }
})();
