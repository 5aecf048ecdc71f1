// Amounts and the total of the cost plan while typing, and the note on a day rate above the
// year's maximum. Progressive enhancement: without this script the server computes the same
// figures when the draft is saved, and the form works the same.
// Plain ES5 on purpose: municipal office PCs run old browsers. Money is counted in whole
// cents (integers), never in floating-point euros, and rounded half up like the server.
(function () {
  "use strict";
  if (!document.querySelectorAll) {
    return;
  }
  var plan = document.querySelector("[data-cost-plan]");
  if (!plan) {
    return;
  }
  var english = (document.documentElement.getAttribute("lang") || "").indexOf("en") === 0;
  var NBSP = "\u00a0";

  // "1.234,56", "1234,56", "850", "1,5" -> hundredths as an integer; null when not a number
  // the server would take (it reads German notation only).
  function hundredths(text) {
    var value = (text || "").replace(/\s/g, "");
    if (!value) {
      return null;
    }
    if (!/^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$/.test(value)) {
      return null;
    }
    var parts = value.replace(/\./g, "").split(",");
    var cents = parts[1] ? (parts[1] + "0").slice(0, 2) : "00";
    return parseInt(parts[0], 10) * 100 + parseInt(cents, 10);
  }

  function group(digits, separator) {
    var out = "";
    while (digits.length > 3) {
      out = separator + digits.slice(-3) + out;
      digits = digits.slice(0, -3);
    }
    return digits + out;
  }

  function euro(cents) {
    var whole = String(Math.floor(cents / 100));
    var rest = String(cents % 100);
    if (rest.length < 2) {
      rest = "0" + rest;
    }
    if (english) {
      return "\u20ac" + group(whole, ",") + "." + rest;
    }
    return group(whole, ".") + "," + rest + NBSP + "\u20ac";
  }

  function field(line, suffix) {
    return line.querySelector("input[name$='-" + suffix + "']");
  }

  var maxRate = hundredths((plan.getAttribute("data-max-day-rate") || "").replace(".", ","));
  var lines = plan.querySelectorAll("[data-cost-line]");
  var totalOutput = plan.querySelector("[data-cost-plan-total]");

  // The line's amount in cents, or null while it is incomplete or not a number.
  function amountOf(line) {
    var days = field(line, "days");
    var rate = field(line, "day_rate");
    var flat = field(line, "flat_amount");
    var typedDays = days && days.value.replace(/\s/g, "") !== "";
    var typedRate = rate && rate.value.replace(/\s/g, "") !== "";
    var typedFlat = flat && flat.value.replace(/\s/g, "") !== "";
    if (typedFlat && !typedDays && !typedRate) {
      return hundredths(flat.value);
    }
    if (typedFlat || !typedDays || !typedRate) {
      return null;
    }
    var d = hundredths(days.value);
    var r = hundredths(rate.value);
    if (d === null || r === null) {
      return null;
    }
    // d hundredths of a day times r cents: the product is in 1/100 cent; round half up.
    return Math.floor((d * r + 50) / 100);
  }

  function update() {
    var total = 0;
    Array.prototype.forEach.call(lines, function (line) {
      var amount = amountOf(line);
      var output = line.querySelector("[data-cost-line-amount]");
      if (output) {
        output.textContent = amount === null ? "\u2013" : euro(amount);
      }
      if (amount !== null) {
        total += amount;
      }
      var note = line.querySelector("[data-day-rate-note]");
      var rate = field(line, "day_rate");
      if (note && rate && maxRate !== null) {
        var cents = hundredths(rate.value);
        note.hidden = !(cents !== null && cents > maxRate);
      }
    });
    if (totalOutput) {
      totalOutput.textContent = euro(total);
    }
  }

  plan.addEventListener("input", update);
  plan.addEventListener("change", update);
})();
