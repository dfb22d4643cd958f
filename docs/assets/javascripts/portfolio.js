/* The portfolio table on the home page: sort by any column, filter by status, type, client, RAG and late.
 *
 * The table is complete without this script. With it, each column header becomes a sort button
 * (aria-sort says the order) and the filters appear. Material's instant navigation swaps pages
 * without reloading, so the table is set up on every page Material shows (`document$`), once each.
 */
(function () {
  "use strict";

  var ORDER = { none: "ascending", ascending: "descending", descending: "ascending" };

  function sortKey(cell, kind) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (kind === "number") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;  // unknown (an empty variance): last, in either order
    }
    return raw.trim().toLocaleLowerCase();
  }

  function compare(a, b) {
    if (typeof a === "number") return a - b;
    return a.localeCompare(b, undefined, { numeric: true });
  }

  function setUpSorting(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var body = table.tBodies[0];
    headers.forEach(function (header, column) {
      var kind = header.getAttribute("data-pb-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pb-sort";
      button.textContent = header.textContent;
      header.textContent = "";
      header.appendChild(button);
      header.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var order = ORDER[header.getAttribute("aria-sort")] || "ascending";
        headers.forEach(function (other) {
          if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none");
        });
        header.setAttribute("aria-sort", order);
        var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
          return { row: row, key: sortKey(row.cells[column], kind), index: index };
        });
        rows.sort(function (a, b) {
          // A plan whose value is unknown says nothing about the order: it goes last whichever way the
          // column is sorted, not first in an ascending sort, above every plan that has a value.
          if ((a.key === null) !== (b.key === null)) return a.key === null ? 1 : -1;
          var result = (a.key === null ? 0 : compare(a.key, b.key)) || a.index - b.index;
          return order === "descending" ? -result : result;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (entry) { fragment.appendChild(entry.row); });
        body.appendChild(fragment);
      });
    });
  }

  function setUpFilters(root, table) {
    var panel = root.querySelector("[data-pb-filters]");
    if (!panel) return;
    var selects = Array.prototype.slice.call(panel.querySelectorAll("select[data-pb-filter]"));
    var count = root.querySelector("[data-pb-count]");  // the count, said once, under the filters
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);

    function matches(row, filter, value) {
      if (!value) return true;
      if (filter === "status") return row.getAttribute("data-status") === value;
      if (filter === "type") return (row.getAttribute("data-types") || "").split(" ").indexOf(value) >= 0;
      if (filter === "client") return row.getAttribute("data-client") === value;
      if (filter === "rag") return row.getAttribute("data-rag") === value;
      if (filter === "late") return row.getAttribute("data-late") === value;
      return true;
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var visible = selects.every(function (select) {
          return matches(row, select.getAttribute("data-pb-filter"), select.value);
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (count) {
        var plans = rows.length === 1 ? " plan" : " plans";
        count.textContent = shown === rows.length
          ? "Showing " + (rows.length === 1 ? "the " : "all ") + rows.length + plans
          : "Showing " + shown + " of " + rows.length + plans;
      }
    }

    selects.forEach(function (select) { select.addEventListener("change", apply); });
    var reset = panel.querySelector("[data-pb-reset]");
    if (reset) {
      reset.addEventListener("click", function () {
        selects.forEach(function (select) { select.value = ""; });
        apply();
      });
    }
    panel.hidden = false;
    apply();
  }

  function setUp() {
    var roots = document.querySelectorAll("[data-pb-portfolio]");
    Array.prototype.forEach.call(roots, function (root) {
      if (root.getAttribute("data-pb-ready")) return;
      var table = root.querySelector("table");
      if (!table || !table.tHead || !table.tBodies.length) return;
      root.setAttribute("data-pb-ready", "true");
      setUpSorting(table);
      setUpFilters(root, table);
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
