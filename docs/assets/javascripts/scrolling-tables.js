/* Tables wider than the page, in the box Material puts around each one, which scrolls sideways (a
 * plan's history or risk table on a phone). A box that scrolls must take the keyboard's focus, or a
 * keyboard cannot scroll it (axe-core: scrollable-region-focusable, serious). Each box that scrolls
 * becomes a focusable, named region; one that fits is left out of the tab order. Checked on every page
 * Material shows (instant navigation swaps pages without reloading) and when the window is resized.
 */
(function () {
  "use strict";

  function heading(box) {
    for (var node = box.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) return node.textContent.replace(/¶\s*$/, "").trim();
    }
    return "";
  }

  function mark() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth) {
        var name = heading(box);
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name ? "Table: " + name : "Table");
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }

  var pending = 0;
  function later() {
    window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(mark);  // after Material has put its boxes in place
  }

  window.addEventListener("resize", later);
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(later);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
})();
