// Country search: a port of infosoc/site/search.py's fold() and search(); keep the two in step.
(function () {
  "use strict";
  var KK = { "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и" };
  function fold(text) {
    var out = "";
    for (var ch of text.normalize("NFKD").toLowerCase().normalize("NFKD")) {
      ch = KK[ch] || ch;
      if (/\p{M}/u.test(ch)) continue;
      out += /[\p{L}\p{N}]/u.test(ch) ? ch : " ";
    }
    return out.split(" ").filter(Boolean).join(" ");
  }
  function search(index, query, lang, limit) {
    var q = fold(query), found = [];
    if (!q) return [];
    index.forEach(function (e) {
      var best = null;
      e.keys.forEach(function (k) {
        var r = k === q ? 0 : k.startsWith(q) ? 1 : k.includes(" " + q) ? 2 : k.includes(q) ? 3 : -1;
        if (r >= 0 && (!best || r < best[0] || (r === best[0] && k.length < best[1]))) best = [r, k.length];
      });
      if (best) found.push([best[0], best[1], fold(e.names[lang]), e.iso3, e]);
    });
    found.sort(function (a, b) {
      for (var i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return 0;
    });
    return found.slice(0, limit || 10).map(function (f) { return f[4]; });
  }
  window.infosocSearch = { fold: fold, search: search };
  var input = document.getElementById("country-search"), list = document.getElementById("country-results");
  if (!input || !list) return;
  var index = null, loading = null, active = -1, lang = input.dataset.lang || "en";
  function load() {
    loading = loading || fetch(input.dataset.index).then(function (r) { return r.json(); })
      .then(function (data) { index = data; show(); });
  }
  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); select(-1); }
  function select(i) {
    var items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && items[i]) { items[i].setAttribute("aria-selected", "true"); input.setAttribute("aria-activedescendant", items[i].id); }
    else input.removeAttribute("aria-activedescendant");
  }
  function show() {
    if (!index) return;
    var hits = search(index, input.value, lang, 10);
    active = -1; input.removeAttribute("aria-activedescendant"); list.textContent = "";
    hits.forEach(function (e, i) {
      var li = document.createElement("li"), a = document.createElement("a");
      li.id = "country-result-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
      a.href = input.dataset.base + e.iso3 + "/"; a.textContent = e.names[lang] || e.names.en; a.tabIndex = -1;
      li.appendChild(a); list.appendChild(li);
    });
    if (hits.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } else close();
  }
  input.addEventListener("focus", load);
  input.addEventListener("input", function () { load(); show(); });
  input.addEventListener("keydown", function (ev) {
    var n = list.hidden ? 0 : list.children.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!n) return;
      ev.preventDefault();
      select((active + (ev.key === "ArrowDown" ? 1 : n - 1) + (active < 0 && ev.key === "ArrowUp" ? 1 : 0)) % n);
    } else if (ev.key === "Enter" && n) {
      ev.preventDefault();
      window.location.href = list.children[Math.max(active, 0)].firstChild.href;
    } else if (ev.key === "Escape") {
      if (!list.hidden) { ev.preventDefault(); close(); } else input.value = "";
    }
  });
  input.form && input.form.addEventListener("focusout", function (ev) {
    if (!input.form.contains(ev.relatedTarget)) close();
  });
})();
