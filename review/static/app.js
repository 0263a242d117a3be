// civwatch review: keyboard shortcuts. Progressive enhancement only: every
// action is also a plain form, and no key does anything while typing in a field.
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  var help = document.getElementById("keyhelp");
  function toggleHelp(show) {
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
  }
  document.querySelectorAll("[data-close-help]").forEach(function (b) {
    b.addEventListener("click", function () { toggleHelp(false); });
  });
  document.querySelectorAll("[data-key-help]").forEach(function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); toggleHelp(true); });
  });
  document.querySelectorAll("[data-close-dialog]").forEach(function (b) {
    b.addEventListener("click", function () {
      var d = b.closest("dialog");
      if (d) d.close();
    });
  });

  // --- drafts: what was typed survives errors, expired sessions and sign-ins -------
  // Forms with data-keep save their typed fields in sessionStorage (this tab only)
  // on every keystroke. The server names the forms it saved in
  // <meta name="civwatch-saved">; their drafts are dropped. Any other draft is put
  // back into its form when the page shows it again.
  var DRAFT = "civwatch-draft:";
  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  function typedFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "version" || el.name === "next") return false;
      if (el.tagName === "TEXTAREA") return true;
      if (el.tagName === "SELECT") return true;
      return el.tagName === "INPUT" && (el.type === "text" || el.type === "search" || el.type === "date" || el.type === "");
    });
  }
  function saveDraft(form) {
    var st = store();
    if (!st || !form.dataset.keep) return;
    var values = {};
    // Keyed by field name: the queue's reject dialog and the incident page's reject
    // form share their draft (an error on one lands the reviewer on the other).
    typedFields(form).forEach(function (el) { values[el.name] = el.value; });
    st.setItem(DRAFT + form.dataset.keep, JSON.stringify(values));
  }
  function restoreDraft(form) {
    var st = store();
    if (!st || !form.dataset.keep) return false;
    var raw = st.getItem(DRAFT + form.dataset.keep);
    if (!raw) return false;
    var values;
    try { values = JSON.parse(raw); } catch (e) { return false; }
    var changed = false;
    typedFields(form).forEach(function (el) {
      if (Object.prototype.hasOwnProperty.call(values, el.name) && values[el.name] !== el.value) {
        el.value = values[el.name];
        changed = true;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
    if (changed) {
      var note = form.querySelector(".restored");
      if (!note) {
        note = document.createElement("p");
        note.className = "restored";
        note.textContent = "Restored what you typed earlier: it is not saved yet.";
        form.insertBefore(note, form.firstChild);
      }
      var box = form.closest("details");
      if (box) box.open = true;
    }
    return changed;
  }
  (function () {
    var st = store();
    if (st) {
      document.querySelectorAll("meta[name=civwatch-saved]").forEach(function (m) {
        st.removeItem(DRAFT + m.content);
      });
    }
    document.querySelectorAll("form[data-keep]").forEach(function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
      form.addEventListener("submit", function () { saveDraft(form); });
    });
  })();

  // --- limits said before submitting ------------------------------------------------
  document.querySelectorAll("textarea[data-limit]").forEach(function (field) {
    var limit = parseInt(field.dataset.limit, 10);
    var counter = document.querySelector("[data-counter-for='" + field.id + "']");
    function update() {
      var n = field.value.trim().length;
      var over = n > limit;
      if (counter) {
        counter.textContent = n.toLocaleString("en") + " / " + limit.toLocaleString("en") +
          " characters" + (over ? " — too long: shorten it before saving" : "");
        counter.classList.toggle("over", over);
      }
      field.setCustomValidity(over ? "At most " + limit.toLocaleString("en") + " characters (" +
        n.toLocaleString("en") + " now)." : "");
    }
    field.addEventListener("input", update);
    update();
  });

  // --- claim numbers: text ↔ row ---------------------------------------------------
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return;
    for (var box = target.closest("details"); box; box = box.parentElement && box.parentElement.closest("details")) {
      box.open = true;
    }
    target.scrollIntoView({ block: "center" });
    var mark = target.closest("mark, tr") || target;
    mark.classList.add("pointed");
    window.setTimeout(function () { mark.classList.remove("pointed"); }, 2500);
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.hl-num, a.to-text");
    if (!link) return;
    ev.preventDefault();
    var id = link.getAttribute("href").slice(1);
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", "#" + id);
    reveal(id);
  });
  if (/^#(hl|claim)-\d+$/.test(window.location.hash)) reveal(window.location.hash.slice(1));

  // --- queue -------------------------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr"));
  var current = rows.length ? 0 : -1;

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) rows[current].classList.remove("selected");
    current = index;
    rows[current].classList.add("selected");
    rows[current].setAttribute("aria-selected", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  if (rows.length) select(0);
  rows.forEach(function (row, i) {
    row.addEventListener("click", function (ev) {
      if (ev.target.tagName !== "A") select(i);
    });
  });

  function selectedRow() { return current >= 0 ? rows[current] : null; }

  function openReject() {
    var row = selectedRow();
    var dialog = document.getElementById("reject-dialog");
    var form = document.getElementById("reject-form");
    if (!row || !dialog || !form) return;
    form.action = "/incidents/" + row.dataset.incident + "/reject";
    form.querySelector("input[name=version]").value = row.dataset.version;
    // The same draft key as the incident page's reject form: an error sends the
    // reviewer there, and the reason follows.
    form.dataset.keep = "incident-" + row.dataset.incident + "-reject";
    restoreDraft(form);
    dialog.querySelector("[data-fill=id]").textContent = "#" + row.dataset.incident;
    dialog.showModal();
    form.querySelector("textarea").focus();
  }

  function openRow(hash) {
    var row = selectedRow();
    if (row) window.location.href = row.dataset.url + (hash || "");
  }

  // --- incident page -------------------------------------------------------------
  var page = document.getElementById("incident");

  function openBox(id, focusSelector) {
    var box = document.getElementById(id);
    if (!box) return;
    box.open = true;
    box.scrollIntoView({ block: "start" });
    var field = box.querySelector(focusSelector || "input:not([type=hidden]), textarea, select");
    if (field) field.focus();
  }

  function submitForm(id) {
    var form = document.getElementById(id);
    if (form) form.submit();
  }

  function openFromHash() {
    var id = window.location.hash.slice(1);
    if (id === "edit-box" || id === "merge-box" || id === "reject-box" || id === "claim-box") {
      openBox(id);
    }
  }
  if (page) openFromHash();

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { toggleHelp(false); return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    if (document.querySelector("dialog[open]")) return;
    var key = ev.key;
    if (key === "?") { toggleHelp(); ev.preventDefault(); return; }
    if (page) {
      if (key === "c") { submitForm("confirm-form"); }
      else if (key === "r") { openBox("reject-box", "textarea"); }
      else if (key === "e") { openBox("edit-box"); }
      else if (key === "m") { openBox("merge-box"); }
      else if (key === "n") { submitForm("seen-form"); }
      else if (key === "u") { window.location.href = page.dataset.back || "/"; }
      else return;
      ev.preventDefault();
      return;
    }
    if (!rows.length) return;
    if (key === "j") select(current + 1);
    else if (key === "k") select(current - 1);
    else if (key === "o" || key === "Enter") openRow("");
    // No one-key confirm from the queue: c opens the incident, where c confirms.
    else if (key === "c") openRow("");
    else if (key === "r") openReject();
    else if (key === "e") openRow("#edit-box");
    else if (key === "m") openRow("#merge-box");
    else return;
    ev.preventDefault();
  });
})();
