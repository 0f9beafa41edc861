// Results page: a plot says it is being drawn until it arrives; one that cannot be drawn
// is replaced by the service's reason.
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
    settled(img);
    img.replaceWith(note);
  }

  function settled(img) {
    const figure = img.closest(".plot");
    figure.classList.remove("loading");
    figure.removeAttribute("aria-busy");
  }

  for (const img of document.querySelectorAll(".plot img")) {
    if (img.complete && img.naturalWidth === 0) {
      explain(img);
    } else if (!img.complete) {
      const figure = img.closest(".plot");
      figure.classList.add("loading");
      figure.setAttribute("aria-busy", "true");
      img.addEventListener("load", () => settled(img), { once: true });
      img.addEventListener("error", () => explain(img), { once: true });
    }
  }
})();
