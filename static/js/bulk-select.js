// "Select all" for the bulk forms (queue, proof list). Progressive enhancement: without
// this script each row is ticked by hand and the form works the same.
// Plain ES5 on purpose: municipal office PCs run old browsers.
(function () {
  "use strict";
  if (!document.querySelectorAll) {
    return;
  }
  var forms = document.querySelectorAll("form[data-bulk-select]");
  Array.prototype.forEach.call(forms, function (form) {
    var wrapper = form.querySelector("[data-bulk-buttons]");
    var boxes = form.querySelectorAll("input[type=checkbox][name=" + form.getAttribute("data-bulk-select") + "]");
    if (!wrapper || !boxes.length) {
      return;
    }
    var button = document.createElement("button");
    var label = document.createElement("span");
    button.type = "button";
    button.className = "kern-btn kern-btn--secondary";
    label.className = "kern-label";
    button.appendChild(label);
    function allTicked() {
      for (var i = 0; i < boxes.length; i++) {
        if (!boxes[i].checked) {
          return false;
        }
      }
      return true;
    }
    function update() {
      label.textContent = form.getAttribute(allTicked() ? "data-select-none" : "data-select-all");
    }
    button.addEventListener("click", function () {
      var tick = !allTicked();
      Array.prototype.forEach.call(boxes, function (box) {
        box.checked = tick;
      });
      update();
    });
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", update);
    });
    update();
    wrapper.appendChild(button);
  });
})();
