// Suggestions for the municipality field while typing. Progressive enhancement: without
// this script (or without fetch, as on very old browsers) the form searches when sent.
// Plain ES5 on purpose: municipal office PCs run old browsers.
(function () {
  "use strict";
  if (!window.fetch || !document.querySelectorAll) {
    return;
  }
  var inputs = document.querySelectorAll("input[data-municipality-search]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("data-municipality-search"));
    var url = input.getAttribute("data-lookup-url");
    var timer = null;
    var asked = "";
    if (!list || !url) {
      return;
    }
    function suggest() {
      var query = input.value.replace(/^\s+|\s+$/g, "");
      if (query.length < 2 || query === asked) {
        return;
      }
      asked = query;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.replace(/^\s+|\s+$/g, "") !== query) {
            return; // typed on meanwhile: a newer answer follows
          }
          list.textContent = "";
          data.results.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.value;
            option.textContent = item.label;
            list.appendChild(option);
          });
        })
        .catch(function () {
          asked = ""; // no suggestions this time; the form still searches when sent
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 250);
    });
  });
})();
