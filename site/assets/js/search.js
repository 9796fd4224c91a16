// Suggestions while typing, as progressive enhancement of the plain search
// forms: without JavaScript (or without the server) the forms still submit
// to /tim-kiem/. Suggestions come from /api/suggest, which completes the
// word being typed against procedure names: light, unlike the full search. The box follows the ARIA combobox pattern: arrow keys move
// through the results, Enter opens one, Escape closes the list.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.search");
  for (var i = 0; i < forms.length; i++) enhance(forms[i], i);

  function enhance(form, n) {
    var input = form.querySelector("input[type=search]");
    if (!input) return;
    var list = document.createElement("ul");
    list.id = "goi-y-" + n;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("data-suggestions-label") || "Kết quả gợi ý");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var timer = null, active = -1, seq = 0, items = [];

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || items.length === 0) return;
      if (e.key === "ArrowDown") { move(active + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp") { move(active - 1); e.preventDefault(); }
      else if (e.key === "Escape") { close(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].url; }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });

    function lookup() {
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      var mine = ++seq;
      fetch("/api/suggest?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (mine === seq && data) show(data.suggestions || []); })
        .catch(function () { close(); });
    }

    function show(suggestions) {
      items = [];
      for (var h = 0; h < suggestions.length && items.length < 6; h++) {
        if (suggestions[h].url) items.push(suggestions[h]);
      }
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      for (var k = 0; k < items.length; k++) {
        var li = document.createElement("li");
        li.id = list.id + "-" + k;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var a = document.createElement("a");
        a.href = items[k].url;
        a.tabIndex = -1;
        a.textContent = items[k].title; // text, never HTML
        li.appendChild(a);
        if (items[k].code) {
          var code = document.createElement("span");
          code.className = "code";
          code.textContent = " " + items[k].code;
          li.appendChild(code);
        }
        list.appendChild(li);
      }
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      status.textContent = items.length ? "Có " + items.length + " gợi ý, dùng phím mũi tên để chọn" : "Không có gợi ý";
    }

    function move(k) {
      if (k < 0) k = items.length - 1;
      if (k >= items.length) k = 0;
      var opts = list.children;
      for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === k ? "true" : "false");
      active = k;
      input.setAttribute("aria-activedescendant", opts[k].id);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
  }
})();
