// Plansign follows the system's colour scheme: Bootstrap reads data-bs-theme. Loaded in <head>,
// before the body is drawn, so a dark system never sees a light flash; a file, not an inline
// script, so the CSP stays without 'unsafe-inline'.
(() => {
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    document.documentElement.dataset.bsTheme = dark.matches ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
})();
