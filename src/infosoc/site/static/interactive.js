// "Interactive chart": on request only, load Vega and vega-embed from this site (never a CDN)
// and draw the chart's precompiled Vega spec in place of its picture.
(function () {
  var script = document.currentScript;
  var vegaUrl = script && script.getAttribute("data-vega");
  var loading = null;
  function loadVega() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = vegaUrl;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading;
  }
  document.querySelectorAll("button.interactive").forEach(function (button) {
    if (!vegaUrl) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var box = button.parentNode;
      var live = box.querySelector(".live");
      button.disabled = true;
      Promise.all([loadVega(), fetch(button.getAttribute("data-vega")).then(function (r) { return r.json(); })])
        .then(function (done) {
          var options = { actions: false, mode: "vega" };
          var locale = button.getAttribute("data-locale");
          if (locale) options.formatLocale = JSON.parse(locale);  // "0,8" in ru and kk
          return window.vegaEmbed(live, done[1], options);
        })
        .then(function () {
          live.hidden = false;
          var picture = box.querySelector("picture");
          if (picture) picture.hidden = true;
          button.hidden = true;
          box.setAttribute("data-interactive", "1");
        })
        .catch(function () { button.disabled = false; });
    });
  });
  document.querySelectorAll("textarea[data-embed]").forEach(function (area) {
    var link = document.createElement("a");
    link.href = area.getAttribute("data-embed");
    if (link.protocol === "http:" || link.protocol === "https:") {
      area.value = area.value.replace(/src="[^"]*"/, 'src="' + link.href + '"');
    }
  });
})();
