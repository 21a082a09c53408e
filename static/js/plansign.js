// Plansign: rows added, removed and reordered in place; confirmations. No inline handlers.
document.documentElement.classList.add("js");

function directRows(formset) {
  return Array.from(formset.querySelector(":scope > [data-rows]").children).filter(
    (row) => row.matches("[data-row]"),
  );
}

function renumber(formset) {
  let position = 1;
  for (const row of directRows(formset)) {
    const order = row.querySelector(":scope > .row [data-order]");
    if (order) order.value = row.hidden ? "" : position++;
  }
}

function addRow(formset) {
  const prefix = formset.dataset.formset;
  const total = formset.querySelector(`:scope > input[name="${prefix}-TOTAL_FORMS"]`);
  const index = Number(total.value);
  const template = formset.querySelector(":scope > template[data-empty]");
  const html = template.innerHTML.replaceAll(`${prefix}-__prefix__`, `${prefix}-${index}`);
  const list = formset.querySelector(":scope > [data-rows]");
  list.insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  renumber(formset);
  const row = list.lastElementChild;
  row.querySelector("input:not([type=hidden]):not([data-order]), textarea, select")?.focus();
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
  row.querySelector(`[data-move="${direction}"]`).focus();
}

function removeRow(row) {
  row.querySelector(":scope > .row [data-delete]").checked = true;
  row.hidden = true;
  renumber(row.closest("[data-formset]"));
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
  const remove = event.target.closest(".remove-label");
  if (remove) {
    event.preventDefault();
    removeRow(remove.closest("[data-row]"));
  }
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
