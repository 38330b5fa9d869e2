// Manzil's page script: small progressive enhancements. Pages work without it.
(function () {
  "use strict";
  // htmx sends the CSRF token (double submit) with every request it makes.
  document.addEventListener("htmx:configRequest", function (e) {
    var token = document.body.getAttribute("data-csrf");
    if (token) e.detail.headers["X-CSRF-Token"] = token;
  });
  // After htmx swaps a page in (boosted links, the language switch), take its language and
  // direction onto <html>.
  document.addEventListener("htmx:afterSettle", function () {
    var page = document.getElementById("page");
    if (!page) return;
    document.documentElement.lang = page.getAttribute("data-lang");
    document.documentElement.dir = page.getAttribute("data-dir");
  });
  // "Select all" in grids with bulk actions.
  document.addEventListener("change", function (e) {
    var all = e.target.closest("[data-select-all]");
    if (!all) return;
    document.querySelectorAll("input[name='ids']").forEach(function (box) { box.checked = all.checked; });
  });
  // Copy buttons (the settings page's set-password link): copy the named input's value.
  document.addEventListener("click", function (e) {
    var button = e.target instanceof Element ? e.target.closest("button[data-copy]") : null;
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    input.select();
    var done = function () { button.textContent = button.getAttribute("data-copied"); };
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, function () {});
  });
})();
