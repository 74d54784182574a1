// Progressive enhancement of the participant picker (fieldset.picker): a search field
// that hides the organisations whose name does not contain what is typed. Ticked ones
// stay visible, so a search never hides a choice already made. Without this file the
// picker is the full list of checkboxes.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("fieldset.picker").forEach(addSearch);
});

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
}

function addSearch(fieldset) {
  const options = Array.from(fieldset.querySelectorAll(".picker-options li"))
    .filter((li) => li.querySelector("input[type=checkbox]"));
  const id = `${fieldset.id}-search`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = fieldset.dataset.filterLabel;
  const search = document.createElement("input");
  search.type = "search";
  search.id = id;
  search.autocomplete = "off";
  search.setAttribute("aria-controls", `${fieldset.id}-options`);
  const none = document.createElement("p");
  none.className = "hint";
  none.hidden = true;
  none.setAttribute("role", "status");
  none.textContent = fieldset.dataset.noneLabel;
  const list = fieldset.querySelector(".picker-options");
  list.id = `${fieldset.id}-options`;
  list.before(label, search, none);
  const filter = () => {
    const wanted = fold(search.value.trim());
    let shown = 0;
    for (const li of options) {
      const ticked = li.querySelector("input").checked;
      li.hidden = !(ticked || fold(li.textContent).includes(wanted));
      if (!li.hidden) shown += 1;
    }
    none.hidden = shown > 0;
  };
  search.addEventListener("input", filter);
  // Enter in the search field filters, it does not send the form half-filled.
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
}
