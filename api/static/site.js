// Progressive enhancement only: every form works without this file.
"use strict";
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  unfoldMenuOnWideScreens();
  focusErrorSummary();
  const form = document.getElementById("item-form");
  if (form) {
    rememberTouches(form);
    suggestTagsWhileTyping(form);
  }
  const volume = document.getElementById("volume_kg");
  if (volume && volume.dataset.auto) followAgreementDates(volume);
});

function suggestTagsWhileTyping(form) {
  const url = form.dataset.analysisUrl;
  const token = form.querySelector("input[name=csrf_token]").value;
  let timer = null;
  let asked = 0;
  const ask = async () => {
    const mine = ++asked;
    const body = new FormData();
    body.append("kind", form.dataset.kind);
    body.append("title", form.elements.title.value);
    body.append("description", form.elements.description.value);
    const response = await fetch(url, {
      method: "POST", body, credentials: "same-origin", headers: { "X-CSRF-Token": token },
    });
    // an answer to an older text must not overwrite a newer one
    if (!response.ok || mine !== asked) return;
    show(form, await response.json());
  };
  for (const name of ["title", "description"]) {
    form.elements[name].addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
  }
}

// What the page has offered is kept in hidden inputs, sent with the form: the server then
// knows which suggestions the person saw and unticked (see api/web/suggested.py).
function offered(form, name) {
  return new Set([...form.querySelectorAll(`#offered input[name="offered_${name}"]`)].map((i) => i.value));
}

function offer(form, name, value, single = false) {
  const box = form.querySelector("#offered");
  if (single) {
    for (const old of box.querySelectorAll(`input[name="offered_${name}"]`)) old.remove();
    if (value === null) return;
  } else if (offered(form, name).has(value)) {
    return;
  }
  const input = document.createElement("input");
  Object.assign(input, { type: "hidden", name: "offered_" + name, value });
  box.append(input);
}

function unoffer(form, name, value) {
  for (const old of form.querySelectorAll(`#offered input[name="offered_${name}"]`)) {
    if (old.value === value) old.remove();
  }
}

// A box the person ticked or unticked is theirs: suggestions no longer change it.
function rememberTouches(form) {
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], #amount, #unit, #per, #service_radius_km, #target_group_fte")) {
      event.target.dataset.touched = "1";
      delete event.target.dataset.auto;
    }
  });
}

function tick(form, input, name) {
  input.checked = true;
  input.dataset.auto = "1";
  offer(form, name, input.value);
}

function showMaterials(form, found) {
  const materials = document.getElementById("material-choices");
  const seen = offered(form, "materials");
  const now = new Set(found.materials.map((m) => m.id));
  for (const box of materials.querySelectorAll(".check.suggested")) {
    const input = box.querySelector("input");
    if (now.has(input.value)) continue;
    if (input.dataset.auto) {
      box.remove();
      unoffer(form, "materials", input.value);
    } else if (!input.checked) {
      box.remove();
    } else {
      box.classList.remove("suggested");
    }
  }
  for (const m of found.materials) {
    let input = document.getElementById("material-" + m.id);
    if (input) {
      input.parentElement.classList.add("suggested");
    } else {
      materials.append(choice("material-" + m.id, "materials", m.id, m.label));
      input = document.getElementById("material-" + m.id);
    }
    if (!seen.has(m.id) && !input.dataset.touched) tick(form, input, "materials");
    offer(form, "materials", m.id);
  }
}

function showServices(form, found) {
  const seen = offered(form, "services");
  const now = new Set(found.services.map((s) => s.id));
  for (const box of document.querySelectorAll("#services .check")) {
    const input = box.querySelector("input");
    const suggested = now.has(box.dataset.id);
    box.classList.toggle("suggested", suggested);
    if (suggested && !seen.has(input.value) && !input.dataset.touched) {
      if (!input.checked) tick(form, input, "services");
      offer(form, "services", input.value);
    } else if (!suggested && input.dataset.auto) {
      input.checked = false;
      delete input.dataset.auto;
      unoffer(form, "services", input.value);
    }
  }
}

// Fill empty fields (or those filled by an earlier suggestion) with what the text says.
function fill(form, name, fields, key) {
  const first = form.elements[fields[0][0]];
  if (!first) return;
  const ours = fields.every(([field]) => !form.elements[field].dataset.touched) &&
    (!first.value || first.dataset.auto);
  if (key === null) {
    if (ours && first.dataset.auto) {
      for (const [field] of fields) { form.elements[field].value = ""; delete form.elements[field].dataset.auto; }
      offer(form, name, null, true);
    }
    return;
  }
  if (ours && !offered(form, name).has(key)) {
    for (const [field, value] of fields) {
      form.elements[field].value = value;
      form.elements[field].dataset.auto = "1";
    }
  }
  offer(form, name, key, true);
}

function show(form, found) {
  showMaterials(form, found);
  showServices(form, found);
  const hint = document.getElementById("quantity-suggestion");
  hint.textContent = "";
  const q = found.quantity;
  if (q) hint.textContent = document.documentElement.dataset.suggestedLabel + " " + q.label;
  fill(form, "quantity", q ? [["amount", q.amount], ["unit", q.unit], ["per", q.per]] : [["amount"]],
    q ? `${q.amount}|${q.unit}|${q.per}` : null);
  for (const name of ["service_radius_km", "target_group_fte"]) {
    const value = found[name];
    fill(form, name, [[name, value]], value === null || value === undefined ? null : value);
  }
}

function choice(id, name, value, text) {
  const box = document.createElement("div");
  box.className = "check suggested";
  const input = document.createElement("input");
  Object.assign(input, { type: "checkbox", id, name, value });
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = text + " ";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.textContent = document.documentElement.dataset.suggestedWord;
  label.append(badge);
  box.append(input, label);
  return box;
}

// The agreement's volume, filled in from the stream's quantity for a year, follows the dates
// until the facilitator types a volume of their own (the same sums as matchmaker.taxonomy).
function followAgreementDates(volume) {
  const form = volume.form;
  const perPeriod = Number(volume.dataset.kgPerPeriod);
  const monthsPer = { month: 1, year: 12 };
  volume.addEventListener("input", () => delete volume.dataset.auto);
  const update = () => {
    const start = parseDay(form.elements.period_start.value);
    const end = parseDay(form.elements.period_end.value);
    if (!volume.dataset.auto || !start || !end || end < start) return;
    const kg = volume.dataset.per === "week"
      ? perPeriod * (daysBetween(start, end) + 1) / 7
      : perPeriod * monthsBetween(start, end) / monthsPer[volume.dataset.per];
    volume.value = String(Math.round(kg));
  };
  form.elements.period_start.addEventListener("change", update);
  form.elements.period_end.addEventListener("change", update);
}

function parseDay(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
}

function daysBetween(a, b) {
  return Math.round((b - a) / 86400000);
}

function addMonths(day, months) {
  const total = day.getUTCMonth() + months;
  const year = day.getUTCFullYear() + Math.floor(total / 12);
  const month = ((total % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(day.getUTCDate(), last)));
}

function monthsBetween(start, end) {
  const stop = new Date(end.getTime() + 86400000);
  let months = (stop.getUTCFullYear() - start.getUTCFullYear()) * 12 + stop.getUTCMonth() - start.getUTCMonth();
  while (months > 0 && addMonths(start, months) > stop) months -= 1;
  const anchor = addMonths(start, months);
  return months + daysBetween(anchor, stop) / daysBetween(anchor, addMonths(start, months + 1));
}

// Browsers without ::details-content keep the header's menu folded; open it where it fits.
function unfoldMenuOnWideScreens() {
  const menu = document.getElementById("menu");
  if (!menu || (window.CSS && CSS.supports("selector(::details-content)"))) return;
  const wide = window.matchMedia("(min-width: 40.01rem)");
  const follow = () => { menu.open = wide.matches; };
  follow();
  wide.addEventListener("change", follow);
}

// The error summary takes the focus (autofocus does it where supported); its links move
// the focus into the field and keep the field's label in sight (GOV.UK's error summary).
function focusErrorSummary() {
  const summary = document.getElementById("error-summary");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${field.id}"]`) || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
}
