// Progressive enhancement only: every form works without this file.
"use strict";
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("item-form");
  if (form) suggestTagsWhileTyping(form);
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

function show(form, found) {
  const materials = document.getElementById("material-choices");
  for (const box of materials.querySelectorAll(".check.suggested")) {
    if (!box.querySelector("input").checked) box.remove();
  }
  for (const m of found.materials) {
    const existing = document.getElementById("material-" + m.id);
    if (existing) { existing.parentElement.classList.add("suggested"); continue; }
    materials.append(choice("material-" + m.id, "materials", m.id, m.label));
  }
  const services = new Set(found.services.map((s) => s.id));
  for (const box of document.querySelectorAll("#services .check")) {
    box.classList.toggle("suggested", services.has(box.dataset.id));
  }
  const hint = document.getElementById("quantity-suggestion");
  hint.textContent = "";
  if (found.quantity) {
    hint.textContent = document.documentElement.dataset.suggestedLabel + ": " + found.quantity.label;
    if (!form.elements.amount.value) {
      form.elements.amount.value = found.quantity.amount;
      form.elements.unit.value = found.quantity.unit;
      form.elements.per.value = found.quantity.per;
    }
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
