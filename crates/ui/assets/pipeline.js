// The pipeline board's drag and drop: dropping a card on a stage column chooses that stage in
// the card's own stage menu and submits its form, so a drag posts exactly what the keyboard
// path (menu + button) posts. Without this script the menus work alone.
(function () {
  "use strict";
  // htmx runs this again when a boosted navigation swaps the board in: listen once.
  if (window.manzilPipeline) return;
  window.manzilPipeline = true;
  var dragged = null;

  function column(target) {
    return target instanceof Element ? target.closest("[data-testid='stage-column']") : null;
  }
  function clearTargets() {
    document.querySelectorAll(".stage-column.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  }

  document.addEventListener("dragstart", function (e) {
    var card = e.target instanceof Element ? e.target.closest("[data-testid='deal-card'][draggable='true']") : null;
    if (!card) return;
    dragged = card;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.getAttribute("data-deal-id") || "");
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearTargets();
  });
  document.addEventListener("dragover", function (e) {
    var col = column(e.target);
    if (!col || !dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    if (!col.classList.contains("drop-target")) {
      clearTargets();
      col.classList.add("drop-target");
    }
  });
  document.addEventListener("drop", function (e) {
    var col = column(e.target);
    if (!col || !dragged) return;
    e.preventDefault();
    var card = dragged;
    var stage = col.getAttribute("data-stage");
    clearTargets();
    if (!stage || card.getAttribute("data-current-stage") === stage) return;
    var form = card.querySelector("form.move-form");
    var menu = form && form.querySelector("select[name='stage']");
    if (!form || !menu) return;
    menu.value = stage;
    // The same submission as the button: boosted by htmx when it is loaded, a plain post if not.
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();
