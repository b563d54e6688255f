// Live check of the annual report's consistency rules (勾稽关系) while the office types:
// the form's figures go to the server's own rules (nothing is saved) and each broken rule
// is marked on its cells and listed above the tables. Without script the page still works:
// saving checks the same rules.
(function () {
  'use strict';
  var form = document.getElementById('report-form');
  if (!form) { return; }
  var plan = form.getAttribute('data-plan');
  var csrf = form.querySelector('input[name=csrf]').value;
  var list = document.getElementById('live-violations');
  var timer = null;

  function figures() {
    var tables = {};
    var bad = [];
    form.querySelectorAll('input[name^="cell:"]').forEach(function (el) {
      var parts = el.name.slice(5).split('.');
      var text = el.value.trim();
      if (text === '') { return; }
      var n = Number(text);
      if (!isFinite(n)) { bad.push(el); return; }
      tables[parts[0]] = tables[parts[0]] || {};
      tables[parts[0]][parts[1]] = tables[parts[0]][parts[1]] || {};
      tables[parts[0]][parts[1]][parts[2]] = n;
    });
    return { tables: tables, bad: bad };
  }

  function show(violations, bad) {
    form.querySelectorAll('td.broken').forEach(function (td) {
      td.classList.remove('broken');
      td.removeAttribute('title');
    });
    var byCell = {};
    violations.forEach(function (v) {
      v.cells.forEach(function (c) { (byCell[c] = byCell[c] || []).push(v.message); });
    });
    Object.keys(byCell).forEach(function (code) {
      var td = form.querySelector('td[data-cell="' + code + '"]');
      if (td) { td.classList.add('broken'); td.title = byCell[code].join('；'); }
    });
    bad.forEach(function (el) {
      el.parentNode.classList.add('broken');
      el.parentNode.title = '请填写数字';
    });
    if (!list) { return; }
    list.textContent = '';
    violations.forEach(function (v) {
      var li = document.createElement('li');
      li.textContent = v.message;
      li.setAttribute('data-rule', v.rule);
      list.appendChild(li);
    });
    list.parentNode.hidden = violations.length === 0 && bad.length === 0;
  }

  function check() {
    var f = figures();
    fetch('/api/v1/plans/' + plan + '/annual-report/check', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(f.tables)
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (doc) { if (doc) { show(doc.violations, f.bad); } })
      .catch(function () { /* the save button still checks */ });
  }

  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
}());
