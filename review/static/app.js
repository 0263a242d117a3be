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

  function submitQuick(action) {
    var row = selectedRow();
    var form = document.getElementById("quick-action");
    if (!row || !form) return;
    form.action = "/incidents/" + row.dataset.incident + "/" + action;
    form.querySelector("input[name=version]").value = row.dataset.version;
    form.submit();
  }

  function openReject() {
    var row = selectedRow();
    var dialog = document.getElementById("reject-dialog");
    var form = document.getElementById("reject-form");
    if (!row || !dialog || !form) return;
    form.action = "/incidents/" + row.dataset.incident + "/reject";
    form.querySelector("input[name=version]").value = row.dataset.version;
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
    else if (key === "c") submitQuick("confirm");
    else if (key === "r") openReject();
    else if (key === "e") openRow("#edit-box");
    else if (key === "m") openRow("#merge-box");
    else return;
    ev.preventDefault();
  });
})();
