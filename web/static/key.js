// The API key of servers that need one: kept in this browser, sent with every request.
// Requests made by scripts carry it as X-API-Key; pages and plot images, which the browser
// fetches itself, carry it as the affectserve_key cookie (the server accepts that for GET).
(() => {
  const STORE = "affectserve_key";

  function setKey(key) {
    if (key) {
      localStorage.setItem(STORE, key);
      document.cookie = `${STORE}=${encodeURIComponent(key)}; path=/; SameSite=Strict`;
    } else {
      localStorage.removeItem(STORE);
      document.cookie = `${STORE}=; path=/; max-age=0; SameSite=Strict`;
    }
  }

  window.apiKey = () => localStorage.getItem(STORE);

  window.apiFetch = (url, options = {}) => {
    const key = localStorage.getItem(STORE);
    const headers = new Headers(options.headers || {});
    if (key) headers.set("X-API-Key", key);
    return fetch(url, { ...options, headers });
  };

  const field = document.getElementById("api-key");
  if (field) {
    field.value = localStorage.getItem(STORE) || "";
    field.addEventListener("change", () => setKey(field.value.trim()));
  }
})();
