// Plansign: rows added, removed and reordered in place; confirmations. No inline handlers.
document.documentElement.classList.add("js");

function directRows(formset) {
  return Array.from(formset.querySelector(":scope > [data-rows]").children).filter(
    (row) => row.matches("[data-row]"),
  );
}

function rowName(formset, position) {
  // "risk 3"; a task says its phase too: "task 2 of phase 1".
  const parentRow = formset.parentElement.closest("[data-row]");
  let name = `${formset.dataset.noun || "row"} ${position}`;
  if (parentRow) {
    const parentSet = parentRow.closest("[data-formset]");
    const parentRows = directRows(parentSet).filter((r) => !r.hidden);
    name += ` of ${parentSet.dataset.noun || "row"} ${parentRows.indexOf(parentRow) + 1}`;
  }
  return name;
}

function renumber(formset) {
  let position = 1;
  for (const row of directRows(formset)) {
    const order = row.querySelector(":scope > .row [data-order]");
    if (row.hidden) {
      if (order) order.value = "";
      continue;
    }
    if (order) order.value = position;
    const name = rowName(formset, position);
    for (const button of row.querySelectorAll(":scope > .row :is([data-move], [data-remove])")) {
      const move = button.dataset.move;
      button.setAttribute("aria-label", move ? `Move ${name} ${move}` : `Remove ${name}`);
    }
    for (const child of row.querySelectorAll(":scope [data-formset]")) renumber(child);
    position++;
  }
}

/** The formset's empty row under the given prefix. A phase's task list has none of its own:
 * the phases' row set holds one for every phase's tasks (the HTML stays small). */
function emptyRow(formset, rowPrefix) {
  const own = formset.querySelector(":scope > template[data-empty]");
  if (own) return own.innerHTML.replaceAll(`${formset.dataset.formset}-__prefix__`, rowPrefix);
  const shared = formset.parentElement
    .closest("[data-formset]")
    .querySelector(":scope > template[data-empty-child]");
  return shared.innerHTML.replaceAll(`${shared.dataset.prefix}-__prefix__`, rowPrefix);
}

function addRow(formset) {
  const prefix = formset.dataset.formset;
  const total = formset.querySelector(`:scope > input[name="${prefix}-TOTAL_FORMS"]`);
  const index = Number(total.value);
  const html = emptyRow(formset, `${prefix}-${index}`);
  const list = formset.querySelector(":scope > [data-rows]");
  list.insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  const row = list.lastElementChild;
  enhance(row);
  renumber(formset);
  markDirty(formset.closest("form"));
  row.querySelector("input:not([type=hidden]):not([data-order]), textarea, select")?.focus();
  announce(`${rowName(formset, directRows(formset).filter((r) => !r.hidden).length)} added.`);
}

function moveRow(row, direction) {
  const formset = row.closest("[data-formset]");
  const rows = directRows(formset).filter((r) => !r.hidden);
  const index = rows.indexOf(row);
  const target = rows[direction === "up" ? index - 1 : index + 1];
  if (!target) return;
  if (direction === "up") target.before(row);
  else target.after(row);
  renumber(formset);
  markDirty(formset.closest("form"));
  row.querySelector(`:scope > .row [data-move="${direction}"]`).focus();
  announce(`Moved to position ${index + (direction === "up" ? 0 : 2)}.`);
}

function removeRow(row) {
  const formset = row.closest("[data-formset]");
  const rows = directRows(formset).filter((r) => !r.hidden);
  const name = rowName(formset, rows.indexOf(row) + 1);
  row.querySelector(":scope > .row [data-delete]").checked = true;
  row.hidden = true;
  renumber(formset);
  markDirty(formset.closest("form"));
  // Focus stays in the list: the next row's first field, else the previous one's, else Add.
  const next = rows[rows.indexOf(row) + 1] || rows[rows.indexOf(row) - 1];
  const focusable = "input:not([type=hidden]):not([data-order]), textarea, select";
  (next?.querySelector(focusable) || formset.querySelector(":scope > [data-add]"))?.focus();
  announce(`${name} removed: it goes when you save.`);
}

/** Row controls that need JavaScript replace the no-script ones: a real Remove button. */
function enhance(root) {
  for (const label of root.querySelectorAll(".remove-label")) {
    const row = label.closest("[data-row]");
    const button = label.parentElement.querySelector(":scope > [data-remove]");
    if (!button) continue;
    label.hidden = true;
    button.hidden = false;
    if (label.querySelector("[data-delete]").checked) row.hidden = true;
  }
}

document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) {
    event.preventDefault();
    addRow(add.closest("[data-formset]"));
    return;
  }
  const move = event.target.closest("[data-move]");
  if (move) {
    moveRow(move.closest("[data-row]"), move.dataset.move);
    return;
  }
  const remove = event.target.closest("[data-remove]");
  if (remove) {
    event.preventDefault();
    removeRow(remove.closest("[data-row]"));
  }
});

// A row's Comment link opens a new thread's form at the top of its section's thread box. The
// links carry only their address (a long plan has a thousand): the target is said here once.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.row-comment");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const section = link.closest("section.plan-section");
  if (!section) return; // a link outside a plan's sections goes to its own page
  event.preventDefault();
  htmx.ajax("GET", link.href, { source: link, target: `#threads-${section.id}`, swap: "afterbegin" });
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// Threads: after an @ in a comment box, suggest the plan team's members (the box stays a plain
// textarea without JavaScript); "Cancel" drops a new thread's form opened in place.
let mentionAsked = 0;

function mentionPrefix(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = before.match(/(?:^|[^\w.@+-])@([\w.@+-]*)$/);
  return match ? match[1] : null;
}

function closeMentions(textarea) {
  textarea.parentElement.querySelector(":scope > .mention-suggestions")?.remove();
}

async function suggestMentions(textarea) {
  const prefix = mentionPrefix(textarea);
  const asked = ++mentionAsked;
  if (prefix === null) {
    closeMentions(textarea);
    return;
  }
  const url = `${textarea.dataset.mentions}?q=${encodeURIComponent(prefix)}`;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok || asked !== mentionAsked) return;
  const { members } = await response.json();
  closeMentions(textarea);
  if (!members.length) return;
  const list = document.createElement("ul");
  list.className = "mention-suggestions";
  list.setAttribute("aria-label", "Mention a team member");
  for (const member of members) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.mention = member.username;
    button.textContent = member.name ? `${member.name} (@${member.username})` : `@${member.username}`;
    const item = document.createElement("li");
    item.append(button);
    list.append(item);
  }
  textarea.parentElement.classList.add("mention-box");
  textarea.after(list);
}

function insertMention(button) {
  const list = button.closest(".mention-suggestions");
  const textarea = list.previousElementSibling;
  const caret = textarea.selectionStart;
  const before = textarea.value.slice(0, caret).replace(/@[\w.@+-]*$/, `@${button.dataset.mention} `);
  textarea.value = before + textarea.value.slice(caret);
  list.remove();
  textarea.focus();
  textarea.setSelectionRange(before.length, before.length);
}

document.addEventListener("input", (event) => {
  if (event.target.matches("textarea[data-mentions]")) suggestMentions(event.target);
});

document.addEventListener("keydown", (event) => {
  const textarea = event.target.closest("textarea[data-mentions]");
  const list = textarea?.parentElement.querySelector(":scope > .mention-suggestions");
  if (list && event.key === "ArrowDown") {
    event.preventDefault();
    list.querySelector("button").focus();
  } else if (list && event.key === "Escape") {
    list.remove();
  }
});

document.addEventListener("click", (event) => {
  const mention = event.target.closest("[data-mention]");
  if (mention) {
    insertMention(mention);
    return;
  }
  const cancel = event.target.closest("[data-dismiss-form]");
  if (cancel && cancel.closest(".threads")) {
    event.preventDefault();
    cancel.closest("form").remove();
  }
});

// ---------------------------------------------------------------------------------------------
// The section editor: nothing typed is lost (a prompt before leaving, a draft kept on the server
// while typing), keyboard (focus, Escape, Ctrl/Cmd+Enter), one fading "Saved" status announced
// to screen readers, and who else is editing which section.

const DRAFT_DELAY_MS = 2000;
const HEARTBEAT_MS = 15000;
const PRESENCE_POLL_MS = 8000;

function announce(text) {
  const live = document.getElementById("editor-live");
  if (!live) return;
  live.textContent = "";
  window.setTimeout(() => {
    live.textContent = text;
  }, 60);
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function editorForms() {
  return Array.from(document.querySelectorAll("form.section-form"));
}

function markDirty(form) {
  if (!form || !form.matches(".section-form")) return;
  form.setAttribute("data-dirty", "");
  scheduleDraft(form);
}

// Drafts: debounced, one request at a time, never after the form was sent to be saved.
const draftTimers = new WeakMap();
const draftsInFlight = new WeakMap();

function scheduleDraft(form, delay = DRAFT_DELAY_MS) {
  window.clearTimeout(draftTimers.get(form));
  draftTimers.set(
    form,
    window.setTimeout(() => saveDraft(form), delay),
  );
}

function saveDraft(form) {
  if (!form.isConnected || form.dataset.saving || !form.dataset.draftUrl) return Promise.resolve();
  const status = form.querySelector("[data-draft-status]");
  const request = (draftsInFlight.get(form) || Promise.resolve())
    .then(() =>
      fetch(form.dataset.draftUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }),
    )
    .then(async (response) => {
      if (!status) return;
      if (response.ok) {
        form.dataset.hasDraft = "1";
        status.textContent = await response.text();
      }
      else if (response.status === 413) status.textContent = "Too long to keep as a draft: save it.";
      else if (response.status === 429) {
        status.textContent = "Draft not kept just now: trying again shortly.";
        scheduleDraft(form, 20000);
      }
    })
    .catch(() => {
      if (status) status.textContent = "Offline: your draft is not kept yet.";
    });
  draftsInFlight.set(form, request);
  return request;
}

function discardDraft(form) {
  window.clearTimeout(draftTimers.get(form));
  form.dataset.saving = "1";
  if (!form.dataset.hasDraft && !form.querySelector(".draft-offer, .draft-restored")) return;
  const body = new FormData();
  body.append("csrfmiddlewaretoken", csrfToken());
  const send = () =>
    fetch(`${form.dataset.draftUrl}?discard=1&quiet=1`, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
  (draftsInFlight.get(form) || Promise.resolve()).then(send, send);
}

document.addEventListener("input", (event) => {
  const form = event.target.closest?.("form.section-form");
  if (!form) return;
  markDirty(form);
  // Typing into a field whose clash had a side chosen makes it the person's own edit.
  const clash = form.querySelector(`[data-clash="${event.target.name}"]`);
  if (clash && event.target.matches("textarea, input:not([type=radio])")) {
    clash.querySelector('input[type=radio][value="edit"]').checked = true;
  }
});

document.addEventListener("change", (event) => {
  const form = event.target.closest?.("form.section-form");
  if (!form) return;
  markDirty(form);
  // A clash's choice shows in its field at once (the server applies it too, for no script).
  const clash = event.target.closest("[data-clash]");
  if (clash && event.target.type === "radio") {
    const field = form.elements.namedItem(clash.dataset.clash);
    if (!field || !("value" in field)) return;
    if (!("merged" in clash.dataset)) clash.dataset.merged = field.value;
    const choice = event.target.value;
    field.value =
      choice === "edit"
        ? clash.dataset.merged
        : form.elements.namedItem(`resolve-${clash.dataset.clash}-${choice}`).value;
  }
});

window.addEventListener("beforeunload", (event) => {
  if (editorForms().some((form) => form.hasAttribute("data-dirty") && !form.dataset.saving)) {
    event.preventDefault();
    event.returnValue = "";
  }
});

// An htmx request that would replace an editor with unsaved changes asks first; the editor's
// own save waits for a draft request in flight, so that the draft never outlives the save.
document.addEventListener("htmx:confirm", (event) => {
  const target = event.detail.target;
  const elt = event.detail.elt;
  const form = target?.querySelector?.("form.section-form");
  if (!form) return;
  if (elt === form) {
    event.preventDefault();
    window.clearTimeout(draftTimers.get(form));
    form.dataset.saving = "1";
    const go = () => event.detail.issueRequest(true);
    (draftsInFlight.get(form) || Promise.resolve()).then(go, go);
    return;
  }
  if (elt.matches("[data-restore-draft]") && !form.hasAttribute("data-dirty")) return;
  if (!form.hasAttribute("data-dirty")) {
    if (elt.matches("[data-cancel]")) discardDraft(form);
    return;
  }
  event.preventDefault();
  const title = form.dataset.sectionTitle || "this section";
  if (window.confirm(`Discard your unsaved changes to ${title}?`)) {
    if (elt.matches("[data-cancel]")) discardDraft(form);
    form.removeAttribute("data-dirty");
    event.detail.issueRequest(true);
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  // A save that did not close the editor (a conflict, an error) leaves it open to save again.
  if (form?.matches?.("form.section-form") && form.isConnected) delete form.dataset.saving;
});

// Keyboard: Ctrl/Cmd+Enter saves the open editor, Escape cancels it (asking if it changed).
document.addEventListener("keydown", (event) => {
  const form = event.target.closest?.("form.section-form");
  if (!form || event.defaultPrevented) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit(form.querySelector("button[type=submit]:not([formaction])"));
  } else if (event.key === "Escape") {
    event.preventDefault();
    form.querySelector("[data-cancel]")?.click();
  }
});

const FIELDS = "input:not([type=hidden]):not([data-order]):not([type=radio]), textarea:not([hidden]), select";

function settleSection(section, initial) {
  const form = section.querySelector("form.section-form");
  if (form) {
    const notice =
      form.querySelector(".error-summary") ||
      form.querySelector(".conflict") ||
      form.querySelector("[data-restore-draft]");
    // A form just opened starts at its first field, but not away from a field the reader is
    // already in: they may have clicked or typed into it before it settled, and their keys
    // would land in another field. What the form has to say (errors, a conflict, a draft)
    // takes the focus always.
    if (notice) notice.focus();
    else if (!form.contains(document.activeElement))
      Array.from(form.querySelectorAll(FIELDS)).find((f) => !f.closest("[hidden]"))?.focus();
    if (form.querySelector(".draft-restored")) announce("Your draft is back in the form.");
    return;
  }
  if (initial) return;
  const status = section.querySelector(".save-status");
  const heading = section.querySelector(".section-head h2, .section-head h3");
  if (status) {
    for (const old of document.querySelectorAll(".save-status")) if (old !== status) old.remove();
    heading?.focus();
    announce(status.textContent.trim());
    window.setTimeout(() => {
      status.classList.remove("show");
      window.setTimeout(() => status.remove(), 700);
    }, 6000);
  } else {
    // Cancelled: back to the section's Edit button.
    (section.querySelector(".edit-link") || heading)?.focus();
  }
}

// Presence: one heartbeat every ~15 s for the open editor; one poll for the whole plan.
let openSection = null;
let presenceUrl = null;
let heartbeatTimer = null;
let presenceState = {};

function sendPresence(url, section, beacon = false) {
  const body = new FormData();
  body.append("section", section || "");
  body.append("csrfmiddlewaretoken", csrfToken());
  if (beacon && navigator.sendBeacon) {
    navigator.sendBeacon(url, body);
    return;
  }
  fetch(url, { method: "POST", body, credentials: "same-origin" }).catch(() => {});
}

function syncPresence() {
  const form = document.querySelector("form.section-form[data-presence-url]");
  const section = form ? form.dataset.section : null;
  if (form) presenceUrl = form.dataset.presenceUrl;
  if (section !== openSection && presenceUrl) {
    // Said a moment later, after the requests of the swap that opened or closed the editor.
    const url = presenceUrl;
    window.setTimeout(() => {
      if (section === openSection) sendPresence(url, section);
    }, 800);
  }
  openSection = section;
  if (section && !heartbeatTimer) {
    heartbeatTimer = window.setInterval(() => {
      if (openSection) sendPresence(presenceUrl, openSection);
    }, HEARTBEAT_MS);
  } else if (!section && heartbeatTimer) {
    window.clearInterval(heartbeatTimer);
    heartbeatTimer = null;
  }
}

window.addEventListener("pagehide", () => {
  if (openSection && presenceUrl) sendPresence(presenceUrl, null, true);
});

function applyPresence() {
  for (const note of document.querySelectorAll("[data-presence]")) {
    const entry = presenceState[note.dataset.presence];
    const names = entry ? entry.names : [];
    const text = names.length
      ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} editing ${entry.title}`
      : "";
    if (note.textContent !== text) note.textContent = text;
  }
}

async function pollPresence() {
  const url = document.getElementById("editor-live")?.dataset.presencePoll;
  if (!url) return;
  if (document.visibilityState === "visible") {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        presenceState = (await response.json()).editing || {};
        applyPresence();
      }
    } catch {
      // offline: try again at the next poll
    }
  }
  window.setTimeout(pollPresence, PRESENCE_POLL_MS);
}

document.addEventListener("htmx:load", (event) => {
  const elt = event.detail.elt;
  enhance(elt);
  if (elt.matches?.("section.plan-section")) {
    settleSection(elt, false);
    applyPresence();
  }
  syncPresence();
});

function startEditor() {
  enhance(document);
  for (const form of editorForms()) settleSection(form.closest("section.plan-section"), true);
  syncPresence();
  pollPresence();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startEditor);
else startEditor();

// Messages that only say something went well fade after a few seconds instead of piling up:
// the page's messages, and "Saved as version N" after an in-place save. Warnings and errors
// stay until closed. A pointer or focus on a message keeps it.
const FADE_AFTER_MS = 6000;

function fadeLater(message) {
  if (message.dataset.fading) return;
  message.dataset.fading = "1";
  const fade = () => {
    if (message.matches(":hover, :focus-within")) {
      window.setTimeout(fade, 2000);
      return;
    }
    message.classList.add("fading");
    window.setTimeout(() => message.remove(), 700);
  };
  window.setTimeout(fade, FADE_AFTER_MS);
}

function fadeMessages(root) {
  root.querySelectorAll(".messages [data-fade], .plan-section > .alert-success[role=status]").forEach(fadeLater);
}

fadeMessages(document);
document.addEventListener("htmx:afterSettle", (event) => fadeMessages(event.target.parentElement || document));

// The outline folds away on narrow screens, where it would fill the first screen.
if (window.matchMedia("(max-width: 991.98px)").matches) {
  document.querySelectorAll("details[data-outline]").forEach((outline) => {
    outline.open = false;
  });
}

// History: tick two versions to compare them; the form's two numbers follow the ticks (and
// still work alone, without JavaScript). A third tick replaces the older of the two.
let comparePicks = [];

document.addEventListener("change", (event) => {
  const pick = event.target.closest("[data-compare-pick]");
  if (!pick) return;
  const form = document.getElementById(pick.getAttribute("form"));
  if (comparePicks.length === 0) {
    comparePicks = Array.from(document.querySelectorAll("[data-compare-pick]:checked")).filter((p) => p !== pick);
  }
  comparePicks = comparePicks.filter((p) => p !== pick && p.checked);
  if (pick.checked) comparePicks.push(pick);
  while (comparePicks.length > 2) comparePicks.shift().checked = false;
  if (comparePicks.length === 2) {
    const [a, b] = comparePicks.map((p) => Number(p.value)).sort((x, y) => x - y);
    form.elements.from.value = a;
    form.elements.to.value = b;
  }
});
