// Streamlit's own words on our pages, in the page's language. Streamlit's frontend writes them in English whatever
// the page's language: the dialog shown when the server stops answering ("Connection error / Streamlit server is
// not responding. Are you connected to the internet?", asking a leader on the office network about the internet
// while the server was only restarting), the first Tab stop ("Skip to main content"), and the names a screen reader
// reads ("Collapse sidebar", "Help for 指出问题", "季度范围 — start"), a table's toolbar and its tips ("Search",
// "Fullscreen"), a multiselect's chips ("Remove" and the name), an empty chooser ("Choose an option"), a date field's
// parts ("yyyy", "year, 起始日期") and its calendar's ("Previous month"), a download that made no file ("Failed to
// generate file for download"). Each rule, written by the page run in the page's language (oversight/ui/setup.py),
// is Streamlit's text (before, the label, after) and ours, with the label where ours says {label}; a rule with no
// {label} replaces only the whole text. Only the texts of Streamlit's own places and these attributes are read;
// nothing is fetched. Keep every less-than sign in this file away from a letter: DOMPurify, which st.html
// runs, drops a script whose text looks like markup, whole.
(function (rules, locale) {
  window.oversightStreamlitWords = rules; // each run: the page's language may have changed
  // A date field's calendar names its months, weekdays and days in the language Streamlit reads from
  // navigator.language, the browser's, whatever the page's: "December" and "Monday, December 7" on a Chinese page in
  // an English browser, 十二月 on an English page in a Chinese one. Streamlit reads it again at each drawing of
  // the app (the end of this run is one), and a calendar opened later takes the page's language.
  window.oversightPageLocale = locale;
  if (!window.oversightLocaleSet) {
    window.oversightLocaleSet = true;
    Object.defineProperty(navigator, "language", { configurable: true, get: function () {
      return window.oversightPageLocale;
    } });
  }
  // what react-aria names by itself (an overlay's hidden 取消 button on an English page in a Chinese browser) reads
  // the language again on this event
  window.dispatchEvent(new Event("languagechange"));
  if (window.oversightStreamlitWatch) return;
  window.oversightStreamlitWatch = true;
  function ours(text) {
    var found = null;
    window.oversightStreamlitWords.forEach(function (rule) {
      if (found !== null) return;
      var whole = rule.ours.indexOf("{label}") === -1;
      if (whole) {
        if (text === rule.before) found = rule.ours;
        return;
      }
      var fits = text.length > rule.before.length + rule.after.length &&
        text.indexOf(rule.before) === 0 && text.slice(text.length - rule.after.length) === rule.after;
      if (fits) found = rule.ours.replace("{label}", text.slice(rule.before.length, text.length - rule.after.length));
    });
    return found;
  }
  // Streamlit's own places, where a text is its word or ours, never the data's: the dialog, the skip link, a hover
  // tip (a table's toolbar buttons name themselves in one), a date field's yyyy/mm/dd and its calendar, the line
  // under a text field
  var places = ".stDialog, [data-testid='stSkipToContent'], [data-testid='stTooltipContent'], " +
    "[data-testid='stDateInputFieldsScroller'], [data-testid='stDateInputCalendar'], " +
    "[data-testid='InputInstructions'], " +
    "[data-testid='stDownloadButtonError']";
  // what a screen reader reads, a hover shows or an empty field holds
  var attributes = ["aria-label", "title", "placeholder", "aria-valuetext"];
  function mend() {
    document.querySelectorAll(places).forEach(function (place) {
      var walker = document.createTreeWalker(place, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var mended = ours(node.data.trim());
        if (mended !== null && mended !== node.data) node.data = mended;
      }
    });
    document.querySelectorAll("[aria-label], [title], [placeholder], [aria-valuetext]").forEach(function (element) {
      if (element.closest(".js-plotly-plot")) return; // the charts' words are ours already
      attributes.forEach(function (name) {
        if (!element.hasAttribute(name)) return;
        var mended = ours(element.getAttribute(name));
        if (mended !== null && mended !== element.getAttribute(name)) element.setAttribute(name, mended);
      });
    });
  }
  var watch = new MutationObserver(mend);
  watch.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: attributes });
  mend();
})(__STREAMLIT_WORDS__, __PAGE_LOCALE__);
