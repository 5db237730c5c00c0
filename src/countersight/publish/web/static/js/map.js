// The offline world map: world-atlas TopoJSON (vendored) drawn with d3-geo, coloured from the
// index rows embedded in the page (or fetched again when the year slider or edition changes).
// Country labels and every other text are set with textContent; no HTML is built from data.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var NO_DATA = "#e9e9e9";
  var STEPS = ["#fde0c5", "#f9c08f", "#f39a5e", "#e0683a", "#b53a1f"];
  var ORIGIN = { china: "#d7301f", usa: "#2b6cb0", both: "#7b3294", other: "#2f8f5b", unknown: "#b8b8b8" };
  var ORIGIN_LABELS = { china: "China", usa: "United States", both: "China and United States",
    other: "Other countries only", unknown: "Supplier unknown" };
  // Financed amount (constant 2017 USD, AidData) in decades; a financed country without an amount first.
  var FINANCE = ["#cbc9e2", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var FINANCE_LABELS = ["Financed, amount not stated", "Under 1 million USD", "1 to 10 million",
    "10 to 100 million", "100 million or more"];
  var UNFINANCED = "#d9d2c5";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function techCount(row) { return Object.keys(row.technologies || {}).length; }

  function colourFor(row, state) {
    if (!row || !row.deployments) { return NO_DATA; }
    if (state.mode === "origin") { return ORIGIN[originClass(row)]; }
    if (state.mode === "technology") {
      return (row.technologies || {})[state.technology] ? STEPS[4] : "#d9d2c5";
    }
    if (state.mode === "financing") { return financeColour(row); }
    return STEPS[Math.min(4, techCount(row))];
  }

  function financeColour(row) {
    if (!row.financed_deployments) { return UNFINANCED; }
    var usd = row.financed_usd_2017;
    if (usd === null || usd === undefined) { return FINANCE[0]; }
    if (usd < 1e6) { return FINANCE[1]; }
    if (usd < 1e7) { return FINANCE[2]; }
    if (usd < 1e8) { return FINANCE[3]; }
    return FINANCE[4];
  }

  function financeText(row) {
    if (!row.financed_deployments) { return ""; }
    var usd = row.financed_usd_2017;
    return (usd === null || usd === undefined ? "amount not stated" : Math.round(usd).toLocaleString("en-US")) +
      " (" + row.financed_deployments + " deployment" + (row.financed_deployments === 1 ? "" : "s") + ")";
  }

  function originClass(row) {
    var o = row.supplier_origins || {};
    var china = !!o.CHN, usa = !!o.USA;
    if (china && usa) { return "both"; }
    if (china) { return "china"; }
    if (usa) { return "usa"; }
    var others = Object.keys(o).filter(function (k) { return k !== "unknown" && o[k]; });
    return others.length ? "other" : "unknown";
  }

  function legendItems(state) {
    if (state.mode === "origin") {
      return Object.keys(ORIGIN).map(function (k) { return [ORIGIN[k], ORIGIN_LABELS[k]]; });
    }
    if (state.mode === "financing") {
      return FINANCE.map(function (c, i) { return [c, FINANCE_LABELS[i]]; })
        .concat([[UNFINANCED, "Deployments, no known financing"]]);
    }
    if (state.mode === "technology") {
      var select = document.getElementById("technology");
      var label = select ? select.options[select.selectedIndex].textContent : state.technology;
      return [[STEPS[4], label], ["#d9d2c5", "Other technologies only"]];
    }
    return [[STEPS[0], "Vendor named, technology unspecified"], [STEPS[1], "1 technology"],
      [STEPS[2], "2 technologies"], [STEPS[3], "3 technologies"], [STEPS[4], "4 or more"]];
  }

  function drawLegend(state) {
    var legend = document.getElementById("legend");
    if (!legend) { return; }
    legend.replaceChildren();
    legendItems(state).concat([[NO_DATA, "No deployments"]]).forEach(function (item) {
      var entry = document.createElement("span");
      entry.className = "legend-item";
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.setAttribute("data-colour", item[0]);
      swatch.style.setProperty("background-color", item[0]);
      entry.appendChild(swatch);
      entry.appendChild(document.createTextNode(item[1]));
      legend.appendChild(entry);
    });
  }

  function countryHref(code, state) {
    var params = new URLSearchParams();
    if (state.edition && state.edition !== "live") { params.set("edition", state.edition); }
    if (state.year) { params.set("year", state.year); }
    var q = params.toString();
    return "/country/" + code + (q ? "?" + q : "");
  }

  function draw(svg, world, isoNumeric, onShape) {
    var features = topojson.feature(world, world.objects.countries).features;
    var projection = d3.geoNaturalEarth1().fitExtent([[4, 4], [956, 496]], { type: "Sphere" });
    var path = d3.geoPath(projection);
    svg.replaceChildren();
    svg.appendChild(svgEl("path", { d: path({ type: "Sphere" }), class: "sphere" }));
    features.forEach(function (f) {
      var code = f.id ? isoNumeric[String(f.id).padStart(3, "0")] : null;
      var name = (f.properties && f.properties.name) || code || "";
      var shape = svgEl("path", { d: path(f), class: "country", fill: NO_DATA });
      var title = svgEl("title");
      title.textContent = name;
      shape.appendChild(title);
      if (code) {
        shape.setAttribute("data-code", code);
        var link = svgEl("a", { href: "/country/" + code, "aria-label": name, class: "country-link" });
        link.appendChild(shape);
        svg.appendChild(link);
      } else {
        svg.appendChild(shape);
      }
      if (onShape) { onShape(shape, code, name); }
    });
    // Countries too small for the 1:110m map get a dot at their capital.
    var markers = json("markers") || {};
    Object.keys(markers).forEach(function (code) {
      var xy = projection(markers[code]);
      if (!xy) { return; }
      var dot = svgEl("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: 4, class: "country marker",
        fill: NO_DATA, "data-code": code });
      var title = svgEl("title");
      title.textContent = code;
      dot.appendChild(title);
      var link = svgEl("a", { href: "/country/" + code, "aria-label": code, class: "country-link" });
      link.appendChild(dot);
      svg.appendChild(link);
      if (onShape) { onShape(dot, code, code); }
    });
  }

  function renderTable(rows, state) {
    var tbody = document.querySelector("#country-table tbody");
    if (!tbody) { return; }
    tbody.replaceChildren();
    // The table shows names: sort by name (the API lists rows by code).
    rows.slice().sort(function (a, b) { return a.name.localeCompare(b.name); }).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.dataset.name = r.name;
      tr.dataset.deployments = r.deployments;
      tr.dataset.ntech = techCount(r);
      tr.dataset.regime = r.regime || "";
      tr.dataset.documents = r.documents;
      tr.dataset.financed = r.financed_usd_2017 || 0;
      var first = document.createElement("td");
      var a = document.createElement("a");
      a.href = countryHref(r.country, state);
      a.textContent = r.name;
      first.appendChild(a);
      tr.appendChild(first);
      [r.deployments, techCount(r), Object.keys(r.supplier_origins || {}).join(", "), r.regime || "", r.documents,
        financeText(r)]
        .forEach(function (value, i) {
          var td = document.createElement("td");
          if (i === 3 && value) {  // the regime code links to its explanation
            var gloss = document.createElement("a");
            gloss.href = "/glossary#regime-" + value;
            gloss.className = "gloss";
            gloss.textContent = value;
            td.appendChild(gloss);
          } else {
            td.textContent = String(value);
          }
          tr.appendChild(td);
        });
      tbody.appendChild(tr);
    });
  }

  function bindSort() {
    var table = document.getElementById("country-table");
    if (!table) { return; }
    table.querySelectorAll("th button").forEach(function (button) {
      button.addEventListener("click", function () {
        var key = button.dataset.key, numeric = button.dataset.type === "number";
        var ascending = button.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th button").forEach(function (b) { b.removeAttribute("aria-sort"); });
        button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var tbody = table.querySelector("tbody");
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.dataset[key] || "", y = b.dataset[key] || "";
          var cmp = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? cmp : -cmp;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
  }

  function indexMap(svg, world, isoNumeric) {
    var controls = document.getElementById("map-controls");
    var slider = document.getElementById("year");
    var yearOut = document.getElementById("year-out");
    var rows = json("index-data") || [];
    var state = {
      edition: controls.edition.value, mode: controls.mode.value, technology: controls.technology.value,
      year: Number(slider.value) > Number(slider.max) - 1 ? null : Number(slider.value)
    };
    var shapes = [];
    draw(svg, world, isoNumeric, function (shape, code) { if (code) { shapes.push(shape); } });

    function paint() {
      var byCode = {};
      rows.forEach(function (r) { byCode[r.country] = r; });
      var coloured = 0;
      shapes.forEach(function (shape) {
        var code = shape.getAttribute("data-code");
        var row = byCode[code];
        var colour = colourFor(row, state);
        shape.setAttribute("fill", colour);
        shape.classList.toggle("has-data", colour !== NO_DATA);
        shape.classList.toggle("financed", !!(row && row.financed_deployments));
        shape.parentNode.setAttribute("href", countryHref(code, state));
        shape.firstChild.textContent = (row ? row.name : shape.firstChild.textContent.split(":")[0]) +
          (row ? ": " + row.deployments + " deployments, " + techCount(row) + " technologies" +
            (row.financed_deployments ? "; financed: " + financeText(row) : "") : "");
      });
      rows.forEach(function (r) { if (r.deployments) { coloured += 1; } });
      document.getElementById("coloured-count").textContent = String(coloured);
      document.getElementById("technology-label").hidden = state.mode !== "technology";
      drawLegend(state);
      svg.setAttribute("data-state", [state.edition, state.mode, state.technology, state.year || "latest"].join(" "));
    }

    function pushUrl() {
      var params = new URLSearchParams();
      if (state.edition !== "live") { params.set("edition", state.edition); }
      if (state.mode !== "technologies") { params.set("mode", state.mode); }
      if (state.mode === "technology") { params.set("technology", state.technology); }
      if (state.year) { params.set("year", state.year); }
      var q = params.toString();
      history.replaceState(null, "", "/" + (q ? "?" + q : ""));
    }

    function reload() {
      var params = new URLSearchParams({ edition: state.edition });
      if (state.year) { params.set("as_of", state.year + "-12-31"); }
      svg.setAttribute("aria-busy", "true");
      fetch("/api/countries?" + params.toString()).then(function (r) { return r.json(); }).then(function (body) {
        rows = body.items || [];
        renderTable(rows, state);
        paint();
        svg.removeAttribute("aria-busy");
      });
    }

    slider.addEventListener("input", function () {
      var top = Number(slider.value) > Number(slider.max) - 1;
      yearOut.textContent = top ? "latest" : slider.value;
    });
    slider.addEventListener("change", function () {
      state.year = Number(slider.value) > Number(slider.max) - 1 ? null : Number(slider.value);
      pushUrl();
      reload();
    });
    controls.edition.addEventListener("change", function () { state.edition = controls.edition.value; pushUrl(); reload(); });
    controls.mode.addEventListener("change", function () { state.mode = controls.mode.value; pushUrl(); paint(); });
    controls.technology.addEventListener("change", function () {
      state.technology = controls.technology.value; pushUrl(); paint();
    });
    controls.addEventListener("submit", function (event) { event.preventDefault(); });
    paint();
    bindSort();
    svg.setAttribute("data-ready", "true");
  }

  function servedMap(svg, world, isoNumeric, served) {
    var set = {};
    served.forEach(function (c) { set[c] = true; });
    draw(svg, world, isoNumeric, function (shape, code) {
      if (code && set[code]) { shape.setAttribute("fill", STEPS[3]); shape.classList.add("has-data"); }
    });
    svg.setAttribute("data-ready", "true");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var svg = document.getElementById("map");
    if (!svg) { return; }
    var isoNumeric = json("iso-numeric") || {};
    fetch("/static/vendor/world-atlas/countries-110m.json").then(function (r) { return r.json(); }).then(function (world) {
      var served = json("served-data");
      if (served) { servedMap(svg, world, isoNumeric, served); } else { indexMap(svg, world, isoNumeric); }
    });
  });
})();
