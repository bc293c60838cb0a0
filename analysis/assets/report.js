// Sortable, filterable tables and a table of contents that follows the reader: no library, no network.
(function () {
  function cellKey(row, i) {
    var c = row.cells[i];
    return c ? (c.getAttribute("data-sort") || c.textContent.trim()) : "";
  }
  function initTable(wrap) {
    var table = wrap.querySelector("table"), body = table && table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var filters = Array.prototype.slice.call(wrap.querySelectorAll("[data-filter]"));
    var search = wrap.querySelector("[data-search]"), count = wrap.querySelector("[data-count]");
    function apply() {
      var q = search ? search.value.trim().toLowerCase() : "", shown = 0;
      rows.forEach(function (r) {
        var ok = filters.every(function (f) {
          return !f.value || (r.getAttribute("data-" + f.getAttribute("data-filter")) || "")
            .split("|").indexOf(f.value) >= 0;
        });
        if (ok && q) ok = r.textContent.toLowerCase().indexOf(q) >= 0;
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    }
    filters.forEach(function (f) { f.addEventListener("change", apply); });
    if (search) search.addEventListener("input", apply);
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, i) {
      var b = th.querySelector("button");
      if (!b) return;
      b.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending", num = th.getAttribute("data-type") === "number";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = cellKey(a, i), y = cellKey(b, i);
          if (x === "" || y === "") return x === y ? 0 : (x === "" ? 1 : -1);  // blanks last
          var c = num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
    apply();
  }
  function followToc() {
    var links = {}, toc = document.getElementById("TOC");
    if (!toc || !("IntersectionObserver" in window)) return;
    toc.querySelectorAll("a[href^='#']").forEach(function (a) { links[decodeURIComponent(a.hash.slice(1))] = a; });
    var obs = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        var a = links[e.target.id];
        if (a && e.isIntersecting) {
          toc.querySelectorAll("a.active").forEach(function (x) { x.classList.remove("active"); });
          a.classList.add("active");
        }
      });
    }, { rootMargin: "0px 0px -75% 0px" });
    Object.keys(links).forEach(function (id) { var el = document.getElementById(id); if (el) obs.observe(el); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".data-table").forEach(initTable);
    followToc();
  });
})();
