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
(function (rules, fieldRules, locale) {
  window.oversightStreamlitWords = rules; // each run: the page's language may have changed
  window.oversightFieldWords = fieldRules;
  // A date field's calendar names its months, weekdays and days in the language Streamlit reads from
  // navigator.language, the browser's, whatever the page's: "December" and "Monday, December 7" on a Chinese page in
  // an English browser, 十二月 on an English page in a Chinese one. The page's HTML sets it before Streamlit's
  // frontend starts (oversight/ui/page_locale.py); here for a language chosen since, and a bare streamlit run.
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
  // What each place said in Streamlit's words before ours replaced them: a language chosen later replaces them again,
  // though Streamlit, whose words did not change, does not write them again (收起侧边栏 and 全屏 stayed on a page
  // switched to English)
  var said = new WeakMap();
  function remembered(holder, key, value) {
    var memo = said.get(holder) || {};
    var was = memo[key];
    return { memo: memo, word: was && value === was.ours ? was.word : value };
  }
  function remember(holder, key, memo, word, text) {
    memo[key] = { word: word, ours: text };
    said.set(holder, memo);
  }
  function mended(holder, key, value) {
    var found = remembered(holder, key, value);
    var text = ours(found.word);
    if (text !== null) remember(holder, key, found.memo, found.word, text);
    return text;
  }
  function mend() {
    document.querySelectorAll(places).forEach(function (place) {
      var walker = document.createTreeWalker(place, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var text = mended(node, "text", node.data.trim());
        if (text !== null && text !== node.data) node.data = text;
      }
    });
    document.querySelectorAll("[aria-label], [title], [placeholder], [aria-valuetext]").forEach(function (element) {
      if (element.closest(".js-plotly-plot")) return; // the charts' words are ours already
      attributes.forEach(function (name) {
        if (!element.hasAttribute(name)) return;
        var text = mended(element, name, element.getAttribute(name));
        if (text !== null && text !== element.getAttribute(name)) element.setAttribute(name, text);
      });
    });
    nameByField();
    namedOnce();
  }
  // A field's own buttons say one word in every field: the briefing page's six 全部清除 (and 展开选项), the audit
  // page's two 选择日期, were buttons of one name in a screen reader's list. Each is named with its field's label
  // (全部清除：问题与整改).
  var fields = "[data-testid='stMultiSelect'], [data-testid='stSelectbox'], [data-testid='stDateInput']";
  function nameByField() {
    document.querySelectorAll(fields).forEach(function (field) {
      var named = field.querySelector("input[role='combobox'][aria-label]") ||
        field.querySelector(".react-aria-DateField [role='group'][aria-label]");
      if (!named) return;
      var label = named.getAttribute("aria-label");
      field.querySelectorAll("button[aria-label]").forEach(function (button) {
        if (button.closest("[data-tag]")) return; // a chip's remove button names its chip already
        var value = button.getAttribute("aria-label"), found = remembered(button, "field", value);
        window.oversightFieldWords.forEach(function (rule) {
          if (found.word !== rule.before && found.word !== ours(rule.before)) return;
          var text = rule.ours.replace("{label}", label);
          remember(button, "field", found.memo, rule.before, text);
          if (value !== text) button.setAttribute("aria-label", text);
        });
      });
    });
  }
  // A range slider's handle is labelled by its own name and then its group's (aria-labelledby="handle group"): read
  // as "季度范围：起点 季度范围". Its own name, which says the group's already, is kept alone.
  function namedOnce() {
    document.querySelectorAll("input[type='range'][aria-label][aria-labelledby]").forEach(function (handle) {
      var ids = handle.getAttribute("aria-labelledby").split(/\s+/);
      var others = ids.filter(function (id) { return id && id !== handle.id; });
      if (ids.indexOf(handle.id) === -1 || others.length === 0) return;
      var own = handle.getAttribute("aria-label");
      var repeated = others.every(function (id) {
        var group = document.getElementById(id);
        var text = group && (group.getAttribute("aria-label") || group.textContent.trim());
        return text && own.indexOf(text) !== -1;
      });
      if (repeated) handle.removeAttribute("aria-labelledby");
    });
  }
  var watch = new MutationObserver(mend);
  // the root, not the body: the page's HTML runs this in its head, before the body exists (oversight/ui/page_locale.py)
  watch.observe(document.documentElement, { childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: attributes.concat(["aria-labelledby"]) });
  mend();
})(__STREAMLIT_WORDS__, __FIELD_WORDS__, __PAGE_LOCALE__);
