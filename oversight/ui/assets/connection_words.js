// Streamlit's page shows its own dialog, in English, when the server stops answering: "Connection error /
// Streamlit server is not responding. Are you connected to the internet?" — on a Chinese page, and asking a
// leader on the office network about the internet while the server was only restarting. Its words are replaced by
// ours in the page's language (the argument: Streamlit's text to ours, written by the page run, oversight/ui/setup.py).
// Only the dialog's text nodes are read; nothing is fetched. Keep every less-than sign in this file away from a
// letter: DOMPurify, which st.html runs, drops a script whose text looks like markup, whole.
(function (words) {
  window.oversightConnectionWords = words; // each run: the page's language may have changed
  if (window.oversightConnectionWatch) return;
  window.oversightConnectionWatch = true;
  function mend() {
    var dialogs = document.querySelectorAll(".stDialog");
    if (dialogs.length === 0) return;
    var table = window.oversightConnectionWords;
    dialogs.forEach(function (dialog) {
      var walker = document.createTreeWalker(dialog, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var text = node.data.trim();
        if (Object.prototype.hasOwnProperty.call(table, text)) node.data = table[text];
      }
    });
  }
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true });
  mend();
})(__CONNECTION_WORDS__);
