/* drogscen maps: Leaflet over boundaries served by the app (no internet tiles needed).
   Configured by data attributes (see templates/scenes/_map.html); no inline script. */
(function () {
  "use strict";

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + ": " + response.status); }
        return response.json();
      });
  }

  var styles = {
    municipalities: { color: "#4a5560", weight: 1.5, fill: true, fillColor: "#f2f4f7", fillOpacity: 0.6 },
    districts: { color: "#7a8590", weight: 1, dashArray: "4 4", fill: false },
    scenesActive: { color: "#a61b1b", weight: 2, fillColor: "#d9534f", fillOpacity: 0.45 },
    scenesClosed: { color: "#4a5560", weight: 1, fillColor: "#9aa5b1", fillOpacity: 0.3 },
    drawing: { color: "#0b5394", weight: 2, fillOpacity: 0.25 }
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function sceneLayer(data) {
    return L.geoJSON(data, {
      style: function (feature) {
        return feature.properties && feature.properties.status === "closed" ? styles.scenesClosed : styles.scenesActive;
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        if (p.url) {
          layer.bindPopup('<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.name) + "</a><br>" +
            escapeHtml(p.ref) + " · " + escapeHtml(p.municipality));
        }
      }
    });
  }

  /* The local police area suggested for a drawn or uploaded area, pre-selected when the
     user has not chosen one (configured by data-suggest-url and data-suggest-target). */
  function policeAreaSuggester(element) {
    var select = element.dataset.suggestTarget && document.getElementById(element.dataset.suggestTarget);
    if (!select || !element.dataset.suggestUrl) { return function () {}; }
    var form = select.form;
    var note = document.createElement("span");
    note.className = "help";
    note.id = select.id + "_suggested";
    note.setAttribute("aria-live", "polite");
    note.setAttribute("data-testid", "lpo-suggested");
    select.insertAdjacentElement("afterend", note);
    var suggested = false;  // the current value is our suggestion, not the user's choice
    select.addEventListener("change", function () {
      suggested = false;
      note.textContent = "";
    });
    return function (geometry) {
      if (select.value && !suggested) { return; }
      var body = new FormData();
      body.append("geometry", typeof geometry === "string" ? geometry : JSON.stringify(geometry));
      var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
      if (token) { body.append("csrfmiddlewaretoken", token.value); }
      fetch(element.dataset.suggestUrl, {
        method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (!data || !data.local_police_area || (select.value && !suggested)) { return; }
        var option = Array.prototype.find.call(select.options, function (o) { return o.value === data.local_police_area; });
        if (!option) { return; }  // not an area this user may choose
        select.value = option.value;
        suggested = true;
        note.textContent = " " + element.dataset.labelSuggested;
        select.setAttribute("aria-describedby", ((select.getAttribute("aria-describedby") || "").replace(note.id, "") + " " + note.id).trim());
      }).catch(function () { /* a suggestion is a convenience: the user still chooses */ });
    };
  }

  function geometryOfFile(data) {
    if (data && data.type === "FeatureCollection") {
      data = data.features && data.features.length === 1 ? data.features[0] : null;
    }
    if (data && data.type === "Feature") { data = data.geometry; }
    return data;
  }

  function watchUpload(element, suggest) {
    var upload = element.dataset.uploadTarget && document.getElementById(element.dataset.uploadTarget);
    if (!upload || !window.FileReader) { return; }
    upload.addEventListener("change", function () {
      var file = upload.files && upload.files[0];
      if (!file || file.size > 2 * 1024 * 1024) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        try {
          var geometry = geometryOfFile(JSON.parse(String(reader.result).replace(/^\uFEFF/, "")));
          if (geometry) { suggest(geometry); }
        } catch (error) { /* the server explains an unreadable file on saving */ }
      };
      reader.readAsText(file);
    });
  }

  function setUpDrawing(map, element, input, suggest) {
    var points = [];
    var outline = L.polygon([], styles.drawing).addTo(map);
    var markers = L.layerGroup().addTo(map);
    var finished = null;
    var help = document.createElement("p");
    help.className = "help";
    help.textContent = element.dataset.labelDrawHelp;
    var buttons = document.createElement("div");
    buttons.className = "actions";
    var finish = document.createElement("button");
    finish.type = "button";
    finish.textContent = element.dataset.labelFinish;
    finish.setAttribute("data-testid", "finish-area");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.textContent = element.dataset.labelClear;
    buttons.appendChild(finish);
    buttons.appendChild(clear);
    element.insertAdjacentElement("afterend", buttons);
    element.insertAdjacentElement("afterend", help);

    function redraw() {
      outline.setLatLngs(points);
      markers.clearLayers();
      points.forEach(function (point) { L.circleMarker(point, { radius: 4, color: "#0b5394" }).addTo(markers); });
    }
    function showExisting() {
      if (!input.value) { return; }
      try {
        finished = L.geoJSON(JSON.parse(input.value), { style: styles.drawing }).addTo(map);
        map.fitBounds(finished.getBounds(), { maxZoom: 17 });
      } catch (error) { /* an unreadable value is reported by the server */ }
    }
    map.on("click", function (event) {
      if (finished) { map.removeLayer(finished); finished = null; input.value = ""; }
      points.push([event.latlng.lat, event.latlng.lng]);
      redraw();
    });
    finish.addEventListener("click", function () {
      if (points.length < 3) { return; }
      var ring = points.map(function (p) { return [Number(p[1].toFixed(7)), Number(p[0].toFixed(7))]; });
      ring.push(ring[0]);
      input.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      finished = L.geoJSON(JSON.parse(input.value), { style: styles.drawing }).addTo(map);
      points = [];
      redraw();
      suggest(input.value);
    });
    clear.addEventListener("click", function () {
      points = [];
      redraw();
      if (finished) { map.removeLayer(finished); finished = null; }
      input.value = "";
    });
    showExisting();
  }

  function setUp(element) {
    var map = L.map(element, { zoomControl: true, attributionControl: true });
    // Plain-text prefix: Leaflet's default carries an inline-styled flag that CSP blocks.
    map.attributionControl.setPrefix("Leaflet");
    map.setView([59.33, 18.06], 10);
    var overlays = {};
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { attribution: element.dataset.tilesAttribution || "" }).addTo(map);
    }
    var requests = [];
    requests.push(fetchJSON(element.dataset.municipalities).then(function (data) {
      var layer = L.geoJSON(data, { style: styles.municipalities, interactive: false }).addTo(map);
      layer.bringToBack();
      overlays[element.dataset.labelMunicipalities] = layer;
    }));
    requests.push(fetchJSON(element.dataset.districts).then(function (data) {
      overlays[element.dataset.labelDistricts] = L.geoJSON(data, { style: styles.districts, interactive: false }).addTo(map);
    }));
    requests.push(fetchJSON(element.dataset.stations).then(function (data) {
      overlays[element.dataset.labelStations] = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 3, color: "#0b5394", weight: 1, fillOpacity: 0.9 })
            .bindTooltip(escapeHtml(feature.properties.name));
        }
      });
    }));
    if (element.dataset.scenes) {
      requests.push(fetchJSON(element.dataset.scenes).then(function (data) {
        var layer = sceneLayer(data).addTo(map);
        overlays[element.dataset.labelScenes] = layer;
        element.setAttribute("data-scene-count", String(data.features.length));
        if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); }
      }));
    }
    if (element.dataset.feature) {
      var feature = JSON.parse(document.getElementById(element.dataset.feature).textContent);
      var own = sceneLayer(feature).addTo(map);
      map.fitBounds(own.getBounds(), { maxZoom: 17, padding: [20, 20] });
    }
    if (element.dataset.drawTarget) {
      var suggest = policeAreaSuggester(element);
      setUpDrawing(map, element, document.getElementById(element.dataset.drawTarget), suggest);
      watchUpload(element, suggest);
    }
    Promise.all(requests).then(function () {
      L.control.layers(null, overlays, { collapsed: true }).addTo(map);
      element.setAttribute("data-ready", "true");
    }).catch(function () { element.setAttribute("data-ready", "error"); });
  }

  document.querySelectorAll("[data-scene-map]").forEach(setUp);
})();
