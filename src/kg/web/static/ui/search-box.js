// Type-ahead for every search box with [data-search-box]: asks /api/search as the reader types and
// lists the matches. Picking one follows its link, or, in the query editor (data-insert), puts the
// resource's IRI into the query at the cursor.
(function () {
  "use strict";
  const DELAY_MS = 120;
  const LIMIT = 8;

  function setUp(form) {
    const input = form.querySelector("input[name=q]");
    const list = form.querySelector("[role=listbox]");
    const api = form.dataset.api || "/api/search";
    let timer = null;
    let items = [];
    let active = -1;
    let asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function show(results) {
      list.replaceChildren();
      items = results;
      results.forEach(function (hit, index) {
        const option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        const link = document.createElement("a");
        link.href = hit.href;
        link.title = hit.iri;
        link.textContent = hit.label;
        if (hit.lang) link.lang = hit.lang;
        const kind = document.createElement("small");
        kind.textContent = hit.types.map(function (t) { return t.split(/[#/]/).pop(); }).join(", ");
        option.append(link, " ", kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(index);
        });
        list.append(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", String(i === index)); });
      active = index;
      if (index >= 0) input.setAttribute("aria-activedescendant", options[index].id);
    }

    function pick(index) {
      const hit = items[index];
      if (!hit) return;
      if (form.dataset.insert !== undefined && window.okgEditor) {
        window.okgEditor.yasqe.replaceSelection("<" + hit.iri + ">");
        window.okgEditor.yasqe.focus();
        close();
        return;
      }
      window.location.href = hit.href;
    }

    function ask() {
      const text = input.value.trim();
      if (!text) { close(); return; }
      const number = ++asked;
      const url = api + "?limit=" + LIMIT + "&q=" + encodeURIComponent(text);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (number === asked) show(body.results); })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    form.addEventListener("submit", function (event) {
      if (form.dataset.insert !== undefined) {
        event.preventDefault();
        if (items.length) pick(Math.max(active, 0));
      }
    });
  }

  document.querySelectorAll("form[data-search-box]").forEach(setUp);
})();
