// A download that made no file (its audit line could not be written, the sign-in ended, the data changed): Streamlit
// writes a line under the button and takes it away five seconds later, inside a menu the reader may already have
// closed. A leader who looked away found no file and nothing saying why. The page keeps its own note instead, at the
// foot of the window, until the reader closes it or does something else (the next click on a control: another
// download, a filter, another page). Written by every page run in the page's language (oversight/ui/setup.py); keep
// every less-than sign in this file away from a letter (DOMPurify, which st.html runs, drops what looks like markup).
(function (words) {
  window.oversightDownloadFailedWords = words; // each run: the page's language may have changed
  var shown = document.querySelector("[data-testid='oversightDownloadFailed']");
  if (shown) {
    shown.querySelector("p").textContent = words.message;
    shown.querySelector("button").textContent = words.close;
  }
  if (window.oversightDownloadFailedWatch) return;
  window.oversightDownloadFailedWatch = true;
  function remove() {
    var note = document.querySelector("[data-testid='oversightDownloadFailed']");
    if (note) note.remove();
  }
  function show(text) {
    var note = document.querySelector("[data-testid='oversightDownloadFailed']");
    if (!note) {
      note = document.createElement("div");
      note.setAttribute("data-testid", "oversightDownloadFailed");
      note.className = "oversight-download-failed";
      note.setAttribute("role", "alert");
      note.appendChild(document.createElement("p"));
      var close = document.createElement("button");
      close.type = "button";
      close.addEventListener("click", remove);
      note.appendChild(close);
      document.body.appendChild(note);
    }
    var known = window.oversightDownloadFailedWords.said.indexOf(text) !== -1; // a reason we gave, kept as given
    note.querySelector("p").textContent = known ? text : window.oversightDownloadFailedWords.message;
    note.querySelector("button").textContent = window.oversightDownloadFailedWords.close;
  }
  // Streamlit's line appearing is the one sign a download failed (the request and its answer are its own)
  new MutationObserver(function (changes) {
    var failed = null;
    changes.forEach(function (change) {
      Array.prototype.forEach.call(change.addedNodes, function (node) {
        if (node.nodeType !== 1) return;
        var line = node.matches("[data-testid='stDownloadButtonError']") ? node :
          node.querySelector("[data-testid='stDownloadButtonError']");
        if (line) failed = line.textContent.trim();
      });
    });
    if (failed !== null) show(failed);
  }).observe(document.body, { childList: true, subtree: true });
  // the reader's next action on a control ends the note; a click on the page around (closing a menu) or on the note
  // itself does not
  var controls = "button, a, input, select, textarea, [role='option'], [role='slider'], [role='tab'], label";
  document.addEventListener("pointerdown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest("[data-testid='oversightDownloadFailed']")) return;
    if (target.closest(controls)) remove();
  }, true);
})(__DOWNLOAD_FAILED_WORDS__);
