/**
 * The search page's script (served as `assets/search.js`, so the strict CSP's `script-src 'self'`
 * holds: nothing inline). Plain ES2018 without modules or dependencies.
 *
 * Its query rules are those of `queryRuns`/`searchIndex` in search.ts, written again for the
 * browser; a unit test runs this text against the TypeScript on generated queries, so the two
 * cannot drift apart. The page works without it: it is then a list of every case.
 */
export const SEARCH_SCRIPT = `'use strict';
var casebookSearch = (function () {
  var HAN = /\\p{Script=Han}/u;
  var WORD = /[\\p{L}\\p{N}]/u;
  function foldChar(index, ch) {
    return Object.prototype.hasOwnProperty.call(index.fold, ch) ? index.fold[ch] : ch.normalize('NFKC').toLowerCase();
  }
  function queryRuns(index, query) {
    var runs = [];
    var current = '';
    var currentHan = false;
    function end() {
      if (current && runs.indexOf(current) < 0) runs.push(current);
      current = '';
    }
    for (var raw of query) {
      var ch = foldChar(index, raw);
      var han = HAN.test(ch);
      if (!han && !WORD.test(ch)) { end(); continue; }
      if (current && han !== currentHan) end();
      currentHan = han;
      current += ch;
    }
    end();
    return runs;
  }
  function search(index, query) {
    var runs = queryRuns(index, query);
    var out = [];
    for (var n = 0; n < index.count; n++) {
      var text = index.texts[n] || '';
      if (runs.every(function (run) { return text.indexOf(run) >= 0; })) out.push(n);
    }
    return out;
  }
  return { queryRuns: queryRuns, search: search };
})();

if (typeof document !== 'undefined') {
  (function () {
    var form = document.querySelector('form.search');
    if (!form) return;
    var status = document.getElementById('search-status');
    var q = document.getElementById('search-q');
    var round = document.getElementById('search-round');
    var city = document.getElementById('search-city');
    var level = document.getElementById('search-level');
    var items = Array.prototype.slice.call(document.querySelectorAll('.search-results li[data-doc]'));
    var sections = Array.prototype.slice.call(document.querySelectorAll('section.search-round'));
    var index = null;

    function apply() {
      var matched = null;
      if (index && q.value.trim() !== '') matched = new Set(casebookSearch.search(index, q.value));
      var shown = 0;
      items.forEach(function (li) {
        var ok = (matched === null || matched.has(Number(li.getAttribute('data-doc')))) &&
          (!round.value || li.getAttribute('data-round') === round.value) &&
          (!city.value || li.getAttribute('data-city') === city.value) &&
          (!level.value || li.getAttribute('data-level') === level.value);
        li.hidden = !ok;
        if (ok) shown++;
      });
      sections.forEach(function (section) {
        section.hidden = !section.querySelector('li[data-doc]:not([hidden])');
      });
      status.textContent = shown === 0 ? form.getAttribute('data-none') : form.getAttribute('data-found').replace('{n}', String(shown));
    }

    function syncUrl() {
      var params = new URLSearchParams();
      if (q.value.trim()) params.set('q', q.value.trim());
      if (round.value) params.set('round', round.value);
      if (city.value) params.set('city', city.value);
      if (level.value) params.set('level', level.value);
      var search = params.toString();
      history.replaceState(null, '', search ? '?' + search : location.pathname);
    }

    var params = new URLSearchParams(location.search);
    q.value = params.get('q') || '';
    [[round, 'round'], [city, 'city'], [level, 'level']].forEach(function (pair) {
      var v = params.get(pair[1]);
      if (v && Array.prototype.some.call(pair[0].options, function (o) { return o.value === v; })) pair[0].value = v;
    });

    form.hidden = false;
    form.addEventListener('submit', function (event) { event.preventDefault(); syncUrl(); apply(); });
    q.addEventListener('input', apply);
    [round, city, level].forEach(function (select) { select.addEventListener('change', function () { syncUrl(); apply(); }); });

    fetch(form.getAttribute('data-index'), { credentials: 'same-origin' })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(function (data) { index = data; form.setAttribute('data-ready', 'true'); apply(); })
      .catch(function () { form.setAttribute('data-ready', 'error'); apply(); });
    apply();
  })();
}
`;
