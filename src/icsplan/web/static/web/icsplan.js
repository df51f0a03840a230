/* icsplan: page behaviour beyond htmx (no inline script: the CSP forbids it).
 *
 * 1. One handler for htmx error responses. htmx does not swap 4xx/5xx answers by default, so a
 *    refused upload (422) used to show nothing with JavaScript on. A 4xx answer that is an HTML
 *    page or fragment carries its own message: it is swapped in place like a success. Anything
 *    else (5xx, a network failure) is announced in the page's live region.
 * 2. Progress for downloads and slow requests: a link or form marked data-busy shows
 *    "Preparing…" while the browser waits, so a long export or import never looks dead.
 */
(function () {
  "use strict";

  function announce(text) {
    var box = document.getElementById("page-alert");
    if (!box) {
      box = document.createElement("div");
      box.id = "page-alert";
      box.className = "messages";
      box.setAttribute("role", "alert");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = text;
    box.appendChild(p);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 400) { return; }
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (xhr.status < 500 && type.indexOf("text/html") === 0 && xhr.responseText) {
      event.detail.shouldSwap = true;   // the answer explains itself: show it where it belongs
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    announce(xhr.status >= 500
      ? "Something went wrong on the server (error " + xhr.status + "). Nothing was changed; try again."
      : "The request was refused (error " + xhr.status + ").");
  });

  document.addEventListener("htmx:sendError", function () {
    announce("The server could not be reached. Check the connection and try again.");
  });

  /* Downloads: the browser gives no sign while a server prepares a file. Show one, and clear it
   * when the download starts (a cookie set by the server would be exact; a timer is enough). */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[download], a[data-busy]");
    if (!link || link.getAttribute("aria-busy") === "true") { return; }
    link.setAttribute("aria-busy", "true");
    var note = document.createElement("span");
    note.className = "busy-note";
    note.setAttribute("role", "status");
    note.textContent = " Preparing the file…";
    link.after(note);
    window.setTimeout(function () { link.removeAttribute("aria-busy"); note.remove(); }, 15000);
    window.addEventListener("blur", function () { link.removeAttribute("aria-busy"); note.remove(); }, { once: true });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[enctype='multipart/form-data']")) { return; }
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.setAttribute("aria-busy", "true");
      var note = document.createElement("span");
      note.className = "busy-note";
      note.setAttribute("role", "status");
      note.textContent = " Uploading and checking…";
      button.after(note);
    }
  });
})();

/* On a phone the contents list starts folded: open, it pushed the strategy itself off screen. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia && window.matchMedia("(max-width: 900px)").matches) {
      document.querySelectorAll("details.toc-fold[open]").forEach(function (d) { d.removeAttribute("open"); });
    }
  });
})();
