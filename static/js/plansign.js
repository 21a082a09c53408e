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
