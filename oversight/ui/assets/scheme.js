// Streamlit sets `color-scheme` on its app root (.stApp) from the theme in use: the settings menu's choice, or
// the system's light/dark setting. Mirror it on the root element (data-oversight-scheme) so app.css can restyle
// the charts for a dark page: Plotly draws its colours as inline SVG attributes, which no theme reaches.
// Nothing is fetched. Keep every less-than sign in this file away from a letter: DOMPurify, which st.html runs,
// drops a script whose text looks like markup, whole.
(() => {
  const root = document.documentElement;
  const mark = () => {
    const app = document.querySelector(".stApp");
    if (!app) return;
    const style = getComputedStyle(app);
    const scheme = style.colorScheme.includes("dark") ? "dark" : "light";
    if (root.dataset.oversightScheme !== scheme) root.dataset.oversightScheme = scheme;
    // the page's own background, for the header band and the marking badge that the page scrolls beneath
    root.style.setProperty("--oversight-page-background", style.backgroundColor);
  };
  mark();
  if (root.dataset.oversightSchemeWatched) return;
  root.dataset.oversightSchemeWatched = "1";
  // a theme change restyles the app root: Emotion gives it a new class and adds a style element to the head
  const observer = new MutationObserver(mark);
  observer.observe(document.head, { childList: true });
  const app = document.querySelector(".stApp");
  if (app) observer.observe(app, { attributes: true, attributeFilter: ["class", "style"] });
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", mark);
})();
