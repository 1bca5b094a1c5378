// The leaders' dashboard (templates/search/dashboard.html): draws the charts from the numbers the page's tables
// show (json_script "dashboard-data"). Chart.js is vendored in ./vendor/ (v4, MIT). Without script the tables stay.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var blue = "#1a4d8f", green = "#2e7d32", red = "#b3261e", amber = "#8a5a00";
  var common = { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: true, position: "bottom" } } };
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { return new window.Chart(canvas, config); }
    return null;
  }
  function label(id) {
    var heading = document.getElementById(id);
    return heading ? heading.textContent : "";
  }
  draw("chart-issued", { type: "bar", options: common, data: { labels: data.months,
    datasets: [{ label: label("h-issued"), data: data.issued, backgroundColor: blue }] } });
  draw("chart-rate", { type: "line",
    options: Object.assign({}, common, { scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } } }),
    data: { labels: data.months, datasets: [{ label: label("h-rate"), data: data.rate, borderColor: green,
      backgroundColor: green, spanGaps: true }] } });
  draw("chart-steps", { type: "bar", options: common, data: { labels: data.steps, datasets: [
    { label: "P50", data: data.median, backgroundColor: blue },
    { label: "P90", data: data.p90, backgroundColor: amber }] } });
  draw("chart-overdue", { type: "bar", options: Object.assign({}, common, { indexAxis: "y" }),
    data: { labels: data.units, datasets: [{ label: label("h-overdue"), data: data.overdue, backgroundColor: red }] } });
  draw("chart-waiting", { type: "bar", options: common, data: { labels: data.waiting_labels,
    datasets: [{ label: label("h-waiting"), data: data.waiting, backgroundColor: blue }] } });
})();
