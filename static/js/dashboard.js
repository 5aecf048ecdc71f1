// Charts of the controllers' dashboard, drawn with Chart.js (static/chartjs/, from npm)
// from the figures the page carries as JSON (json_script "dashboard-data"). Progressive
// enhancement: every chart's figures are in the table below it, and the map is SVG drawn
// on the server, so without this script (or without Chart.js) nothing is missing.
// Plain ES5 on purpose: municipal office PCs run old browsers. Chart.js 4 itself needs a
// current one; where it cannot load, window.Chart is missing and the tables stand alone.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || !window.Chart || !window.JSON || !document.querySelector) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.getAttribute("lang") || "de";
  var reduced = !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  // KERN's text colour, action blue, and colours of at least 3:1 against white.
  var INK = "#131525";
  var BLUE = "#1A3DA5";
  var GREEN = "#0E7A45";
  var RED = "#B3261E";
  var PURPLE = "#6B3FA0";
  var ORANGE = "#B95000";

  var formatter = null;
  if (window.Intl && window.Intl.NumberFormat) {
    formatter = new window.Intl.NumberFormat(lang, { style: "currency", currency: data.currency, maximumFractionDigits: 0 });
  }
  function euro(value) {
    return formatter ? formatter.format(value) : String(Math.round(value)) + " EUR";
  }
  function numbers(list) {
    return list.map(function (value) {
      return parseFloat(value);
    });
  }
  function repeat(value, times) {
    var list = [];
    for (var i = 0; i < times; i += 1) {
      list.push(value);
    }
    return list;
  }

  window.Chart.defaults.font.family = "'Fira Sans', sans-serif";
  window.Chart.defaults.font.size = 14;
  window.Chart.defaults.color = INK;
  if (reduced) {
    window.Chart.defaults.animation = false;
  }

  function moneyOptions(axis) {
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { usePointStyle: true } },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = axis === "x" ? context.parsed.x : context.parsed.y;
              return context.dataset.label + ": " + euro(value);
            }
          }
        }
      },
      scales: {}
    };
    options.scales[axis] = { beginAtZero: true, ticks: { callback: euro } };
    return options;
  }

  function draw(name, config) {
    var holder = document.querySelector('[data-chart="' + name + '"]');
    if (!holder) {
      return;
    }
    var canvas = document.createElement("canvas");
    var label = holder.getAttribute("data-label") || "";
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", label);
    canvas.appendChild(document.createTextNode(label));
    holder.appendChild(canvas);
    new window.Chart(canvas, config);
    holder.setAttribute("data-drawn", "true");
  }

  function line(label, values, colour, extra) {
    var dataset = {
      label: label,
      data: values,
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 2,
      pointRadius: 3,
      tension: 0
    };
    for (var key in extra) {
      if (Object.prototype.hasOwnProperty.call(extra, key)) {
        dataset[key] = extra[key];
      }
    }
    return dataset;
  }

  var months = data.months;
  draw("months", {
    type: "line",
    data: {
      labels: months.labels,
      datasets: [
        line(months.series[0], numbers(months.committed), BLUE, { pointStyle: "circle" }),
        line(months.series[1], numbers(months.paid), GREEN, { pointStyle: "rect", borderDash: [6, 4] }),
        line(months.series[2], repeat(parseFloat(months.budget), months.labels.length), RED, {
          pointRadius: 0,
          pointStyle: "line",
          borderDash: [2, 3]
        })
      ]
    },
    options: moneyOptions("y")
  });

  function breakdown(name, chart, horizontal) {
    var options = moneyOptions(horizontal ? "x" : "y");
    if (horizontal) {
      options.indexAxis = "y";
    }
    draw(name, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: [
          { label: chart.series[0], data: numbers(chart.committed), backgroundColor: BLUE },
          { label: chart.series[1], data: numbers(chart.paid), backgroundColor: GREEN }
        ]
      },
      options: options
    });
  }
  breakdown("lands", data.lands, true);
  breakdown("structural", data.structural, false);

  var YEAR_COLOURS = [BLUE, ORANGE];
  var applications = data.applications;
  draw("applications", {
    type: "bar",
    data: {
      labels: applications.labels,
      datasets: applications.years.map(function (year, index) {
        return { label: year, data: applications.counts[index], backgroundColor: YEAR_COLOURS[index % 2] };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });

  var comparison = data.comparison;
  var comparisonSets = [];
  comparison.years.forEach(function (year, index) {
    comparisonSets.push(
      line(year, numbers(comparison.committed[index]), YEAR_COLOURS[index % 2], {
        pointStyle: index ? "rect" : "circle",
        borderDash: index ? [6, 4] : []
      })
    );
  });
  comparison.years.forEach(function (year, index) {
    comparisonSets.push(
      line(
        comparison.budget_label.replace("%(year)s", year),
        repeat(parseFloat(comparison.budgets[index]), comparison.labels.length),
        index ? PURPLE : RED,
        { pointRadius: 0, pointStyle: "line", borderDash: [2, 3] }
      )
    );
  });
  draw("comparison", {
    type: "line",
    data: { labels: comparison.labels, datasets: comparisonSets },
    options: moneyOptions("y")
  });
})();
