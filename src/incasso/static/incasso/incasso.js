/* Incasso: the little behaviour the screens need. No build step, no dependencies. */
(function () {
  "use strict";

  // "/" jumps to the search box, as in most business tools.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var search = document.querySelector("input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
  });

  // Formset "add a row": clone the <template>, number it, bump TOTAL_FORMS.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var total = document.getElementById(button.dataset.total);
    var template = document.getElementById(button.dataset.addRow);
    var rows = document.getElementById(button.dataset.rows);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, total.value));
    total.value = String(Number(total.value) + 1);
    var inputs = rows.lastElementChild && rows.lastElementChild.querySelectorAll("input");
    if (inputs && inputs.length) inputs[0].focus();
  });

  // Strategy step form: show only the fields the chosen action uses (the inputs name their actions in
  // data-actions). Hidden fields are still sent; the service ignores what an action does not use.
  function syncStepForm(root) {
    var forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll ? root.querySelectorAll("form") : [];
    Array.prototype.forEach.call(forms, function (form) {
      var action = form.querySelector("select[name=action]");
      if (!action) return;
      form.querySelectorAll("[data-actions]").forEach(function (input) {
        var field = input.closest(".field");
        if (field) field.hidden = input.dataset.actions.split(" ").indexOf(action.value) < 0;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.name === "action" && event.target.form) syncStepForm(event.target.form);
  });
  document.addEventListener("htmx:load", function (event) { syncStepForm(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { syncStepForm(document); });
})();
