/* Charts from data in <script type="application/json"> blocks (Chart.js). */
(function () {
  "use strict";
  document.querySelectorAll("canvas[data-area-chart]").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.areaChart).textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, stepped: true, borderColor: "#0b5394", backgroundColor: "#0b5394" }]
      },
      options: { animation: false, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } }
    });
  });
})();
