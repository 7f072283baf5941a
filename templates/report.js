/* reqtrail HTML report: builds the traceability matrix from the embedded data block.
 *
 * Data layout (written by src/report/html.rs, where the reasons for it are):
 *   files, bins, areas, tags, mods, reasons, styles: string tables; docs: indices into files.
 *   tests: [module, name, bin, file, line, result, flags?(1 ignored, 2 should_panic), message?]
 *   reqs: {i id, t title (or its length when x starts with it), f file, l line,
 *          n revision (1), c lifecycle (3 active), s status, a area, g tags,
 *          x plain text (paragraphs split by blank lines) or else h, safe HTML of a text
 *          with markup, y reason, w waiver, e style (0), p parents, k children, d fields,
 *          v [[test, ref line - test line, flags?(1 stale, 2 ignored)]],
 *          m [[module, name, file, line]]}
 * Every string from the data reaches the page as textContent or an attribute value. The one
 * exception is `h`, the requirement text that the Rust side rendered from Markdown with raw
 * HTML turned into text and unsafe URLs removed. The Content-Security-Policy of the page
 * forbids any script but this one, so even a mistake there could not run code.
 */
(function () {
  'use strict';

  var STATUS = ['verified', 'partial', 'failing', 'unverified', 'waived'];
  var STATUS_LABEL = ['Verified', 'Partial', 'Failing', 'Unverified', 'Waived'];
  var STATUS_ICON = ['\u2713', '\u25D0', '\u2717', '\u25CB', '\u2298'];
  // Sort order by urgency: failing first, then unverified, partial, verified, waived, others.
  var STATUS_RANK = [3, 2, 0, 1, 4];
  var RESULT = ['passed', 'failed', 'errored', 'skipped', 'not-run', 'unknown'];
  var RESULT_LABEL = ['passed', 'failed', 'errored', 'skipped', 'not run', 'no result'];
  var RESULT_ICON = ['\u2713', '\u2717', '!', '\u2212', '\u25CB', '?'];
  var LIFECYCLE = ['draft', 'proposed', 'approved', 'active', 'deprecated', 'rejected'];
  var GRID_LIMIT = 200;
  var CHIPS_SHOWN = 3;
  var IMPLS_SHOWN = 2;

  var dataNode = document.getElementById('reqtrail-data');
  var D;
  try {
    D = JSON.parse(dataNode ? dataNode.textContent : '');
  } catch (e) {
    D = null;
  }
  if (!D || !D.reqs) {
    var count = document.getElementById('count');
    if (count) count.textContent = 'The report data could not be read.';
    return;
  }
  var R = D.reqs;
  function joinPath(module, name) { return D.mods[module] ? D.mods[module] + '::' + name : name; }
  var T = D.tests.map(function (t) {
    return { name: joinPath(t[0], t[1]), bin: D.bins[t[2]], file: D.files[t[3]], line: t[4],
      res: t[5], flags: t[6] || 0, msg: t[7] || null };
  });
  R.forEach(function (r) {
    if (r.c === undefined) r.c = 3;
    if (typeof r.t === 'number') r.t = (r.x || '').slice(0, r.t);
    if (r.m) r.m = r.m.map(function (m) { return { item: joinPath(m[0], m[1]), file: D.files[m[2]], line: m[3] }; });
  });
  function reason(r) { return r.y === undefined ? '' : D.reasons[r.y]; }
  var byId = Object.create(null);
  for (var n = 0; n < R.length; n++) byId[R[n].i] = n;

  var state = {
    q: '', status: '', doc: '', area: '', tag: '',
    sort: 'doc', dir: 1, page: 0, size: 100,
    expandAll: false, printing: false, open: Object.create(null), target: -1
  };
  var view = [];
  var hay = null;
  var sortCache = Object.create(null);

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function counted(r) { return r.c === 2 || r.c === 3; }
  function lastSegment(name) {
    var k = name.lastIndexOf('::');
    return k < 0 ? name : name.slice(k + 2);
  }
  function encPath(p) { return p.split('/').map(encodeURIComponent).join('/'); }
  // Kept in step with source_href in html.rs.
  function sourceHref(file, line) {
    return D.link.split('{commit}').join(encodeURIComponent(D.commit))
      .split('{path}').join(encPath(file))
      .split('{line}').join(String(line));
  }
  function location_(file, line) {
    var text = file + ':' + line;
    if (!D.link) return el('span', 'loc', text);
    var a = el('a', 'loc', text);
    a.href = sourceHref(file, line);
    a.rel = 'noopener noreferrer';
    return a;
  }
  function reqLink(id) {
    var a = el('a', 'rid', id);
    a.href = '#req-' + encodeURIComponent(id);
    return a;
  }
  function badge(r) {
    var b;
    if (!counted(r)) {
      b = el('span', 'badge nc');
      b.appendChild(el('span', 'ico', '\u25CC')).setAttribute('aria-hidden', 'true');
      b.appendChild(document.createTextNode(LIFECYCLE[r.c]));
      b.title = 'Not counted (' + LIFECYCLE[r.c] + '); computed status: ' + STATUS[r.s];
      return b;
    }
    b = el('span', 'badge st-' + STATUS[r.s]);
    b.appendChild(el('span', 'ico', STATUS_ICON[r.s])).setAttribute('aria-hidden', 'true');
    b.appendChild(document.createTextNode(STATUS_LABEL[r.s]));
    return b;
  }
  function resultIcon(res) {
    var s = el('span', 'res res-' + RESULT[res], RESULT_ICON[res]);
    s.setAttribute('aria-hidden', 'true');
    return s;
  }

  /* ---- filtering and sorting ---- */

  // The text content of the sanitised requirement HTML, for search. A template's content is
  // inert: nothing in it loads or runs.
  function htmlText(h) {
    var t = document.createElement('template');
    t.innerHTML = h;
    return t.content.textContent;
  }

  function buildHay() {
    hay = new Array(R.length);
    for (var i = 0; i < R.length; i++) {
      var r = R[i];
      var parts = [r.i, r.t, r.x || (r.h ? htmlText(r.h) : ''), D.files[r.f], reason(r)];
      if (r.g) for (var g = 0; g < r.g.length; g++) parts.push(D.tags[r.g[g]]);
      if (r.v) for (var v = 0; v < r.v.length; v++) parts.push(T[r.v[v][0]].name);
      if (r.m) for (var m = 0; m < r.m.length; m++) parts.push(r.m[m].item);
      hay[i] = parts.join('\n').toLowerCase();
    }
  }

  function statusMatches(r) {
    switch (state.status) {
      case '': return true;
      case 'not-counted': return !counted(r);
      case 'gaps': return counted(r) && (r.s === 1 || r.s === 2 || r.s === 3);
      default: return counted(r) && STATUS[r.s] === state.status;
    }
  }

  function sortedAll() {
    var key = state.sort;
    if (sortCache[key]) return sortCache[key];
    var order = new Array(R.length);
    for (var i = 0; i < R.length; i++) order[i] = i;
    var cmp;
    if (key === 'id' || key === 'title') {
      var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
      var field = key === 'id' ? 'i' : 't';
      var keys = R.map(function (r) { return r[field]; });
      cmp = function (a, b) { return collator.compare(keys[a], keys[b]) || a - b; };
    } else if (key === 'status') {
      cmp = function (a, b) { return rank(R[a]) - rank(R[b]) || a - b; };
    } else if (key === 'tests') {
      cmp = function (a, b) { return len(R[a].v) - len(R[b].v) || a - b; };
    } else if (key === 'impl') {
      cmp = function (a, b) { return len(R[a].m) - len(R[b].m) || a - b; };
    }
    // 'doc' is the report's own order: by file, then line.
    if (cmp) order.sort(cmp);
    sortCache[key] = order;
    return order;
  }
  function rank(r) { return counted(r) ? STATUS_RANK[r.s] : 5; }
  function len(a) { return a ? a.length : 0; }

  function recompute() {
    var tokens = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    if (tokens.length && !hay) buildHay();
    var doc = state.doc === '' ? -1 : +state.doc;
    var area = state.area === '' ? -1 : +state.area;
    var tag = state.tag === '' ? -1 : +state.tag;
    var order = sortedAll();
    var out = [];
    for (var k = 0; k < order.length; k++) {
      var i = order[k];
      var r = R[i];
      if (doc >= 0 && r.f !== doc) continue;
      if (area >= 0 && r.a !== area) continue;
      if (tag >= 0 && !(r.g && r.g.indexOf(tag) >= 0)) continue;
      if (!statusMatches(r)) continue;
      if (tokens.length) {
        var h = hay[i];
        var ok = true;
        for (var t = 0; t < tokens.length; t++) {
          if (h.indexOf(tokens[t]) < 0) { ok = false; break; }
        }
        if (!ok) continue;
      }
      out.push(i);
    }
    if (state.dir < 0) out.reverse();
    view = out;
  }

  /* ---- rendering ---- */

  var table = $('matrix-table');

  function cell(tr, cls, label) {
    var td = el('td', cls);
    if (label) td.setAttribute('data-label', label);
    tr.appendChild(td);
    return td;
  }

  function rowGroup(i) {
    var r = R[i];
    var open = state.printing || state.expandAll || !!state.open[i];
    var cls = 'req st-' + STATUS[r.s] + ' lc-' + LIFECYCLE[r.c];
    if (!counted(r)) cls = 'req nc lc-' + LIFECYCLE[r.c];
    if (i === state.target) cls += ' target';
    var body = el('tbody', cls);
    body.id = 'req-' + r.i;
    body.setAttribute('data-index', String(i));
    var tr = el('tr', 'row');

    var tdId = cell(tr, 'c-id', 'ID');
    var tog = el('button', 'tog', open ? '\u25BE' : '\u25B8');
    tog.type = 'button';
    tog.setAttribute('aria-expanded', open ? 'true' : 'false');
    tog.setAttribute('aria-label', 'Details of ' + r.i);
    tdId.appendChild(tog);
    tdId.appendChild(reqLink(r.i));

    var tdTitle = cell(tr, 'c-title', 'Title');
    tdTitle.appendChild(el('span', 't', r.t || '(untitled)'));
    // Approved is counted like active but worth seeing; other lifecycles show in the badge.
    if (r.c === 2) tdTitle.appendChild(el('span', 'lc', LIFECYCLE[r.c]));

    var tdDoc = cell(tr, 'c-doc', 'Document');
    // Break long paths after a slash rather than anywhere.
    var parts = (D.files[r.f] + ':' + r.l).split('/');
    for (var p = 0; p < parts.length; p++) {
      var last = p === parts.length - 1;
      tdDoc.appendChild(document.createTextNode(parts[p] + (last ? '' : '/')));
      if (!last) tdDoc.appendChild(document.createElement('wbr'));
    }
    tdDoc.title = D.files[r.f] + ':' + r.l;

    var tdStatus = cell(tr, 'c-status', 'Status');
    tdStatus.appendChild(badge(r));

    var tdTests = cell(tr, 'c-tests', 'Verifying tests');
    if (r.v && r.v.length) {
      var ul = el('ul', 'chips');
      for (var v = 0; v < r.v.length && v < CHIPS_SHOWN; v++) {
        var test = T[r.v[v][0]];
        var li = el('li');
        li.appendChild(resultIcon(test.res));
        var name = el('span', 'name', lastSegment(test.name));
        name.title = test.name + ' (' + test.bin + '): ' + RESULT_LABEL[test.res];
        li.appendChild(name);
        if (r.v[v][2] & 1) li.appendChild(el('span', 'flag flag-stale', 'stale'));
        ul.appendChild(li);
      }
      if (r.v.length > CHIPS_SHOWN) ul.appendChild(el('li', 'more', '+' + (r.v.length - CHIPS_SHOWN) + ' more'));
      tdTests.appendChild(ul);
    } else {
      tdTests.appendChild(el('span', 'none', 'none'));
    }

    var tdImpl = cell(tr, 'c-impl', 'Implementation');
    if (r.m && r.m.length) {
      for (var m = 0; m < r.m.length && m < IMPLS_SHOWN; m++) {
        var item = el('span', 'item', r.m[m].item);
        item.title = r.m[m].item + ' \u2014 ' + r.m[m].file + ':' + r.m[m].line;
        tdImpl.appendChild(item);
      }
      if (r.m.length > IMPLS_SHOWN) tdImpl.appendChild(el('span', 'more', '+' + (r.m.length - IMPLS_SHOWN) + ' more'));
    } else {
      tdImpl.appendChild(el('span', 'none', 'none'));
    }
    body.appendChild(tr);
    if (open) body.appendChild(detailRow(r));
    return body;
  }

  function heading(parent, text) { parent.appendChild(el('h3', null, text)); }

  function detailRow(r) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = 6;
    var box = el('div', 'detail-body');

    var head = el('div', 'd-head');
    head.appendChild(el('span', null, 'revision ' + (r.n || 1)));
    head.appendChild(el('span', null, LIFECYCLE[r.c] + (counted(r) ? '' : ' (not counted)')));
    if (D.styles[r.e || 0]) head.appendChild(el('span', null, D.styles[r.e || 0] + ' style'));
    head.appendChild(location_(D.files[r.f], r.l));
    box.appendChild(head);

    var left = el('div');
    heading(left, 'Status');
    var why = el('p', 'd-reason');
    why.appendChild(badge(r));
    if (reason(r)) why.appendChild(document.createTextNode(' ' + reason(r)));
    left.appendChild(why);
    if (r.w) {
      heading(left, 'Waiver');
      left.appendChild(el('p', 'd-reason', r.w));
    }
    heading(left, 'Text');
    var text = el('div', 'req-text');
    if (r.h) {
      // Safe by construction on the Rust side; see the header of this file.
      text.innerHTML = r.h;
    } else if (r.x) {
      r.x.split('\n\n').forEach(function (para) { text.appendChild(el('p', null, para)); });
    } else {
      text.appendChild(el('p', 'none', 'No text.'));
    }
    left.appendChild(text);
    box.appendChild(left);

    var right = el('div');
    var kv = el('dl', 'kv');
    function pair(k, v) { kv.appendChild(el('dt', null, k)); kv.appendChild(el('dd', null, v)); }
    pair('Area', D.areas[r.a]);
    if (r.g && r.g.length) pair('Tags', r.g.map(function (g) { return D.tags[g]; }).join(', '));
    if (r.d) for (var key in r.d) if (Object.prototype.hasOwnProperty.call(r.d, key)) pair(key, r.d[key]);
    heading(right, 'Attributes');
    right.appendChild(kv);
    linkList(right, 'Parents', r.p);
    linkList(right, 'Children', r.k);
    heading(right, 'Implementation');
    if (r.m && r.m.length) {
      var ul = el('ul', 'impl-list');
      for (var m = 0; m < r.m.length; m++) {
        var li = el('li');
        li.appendChild(el('span', null, r.m[m].item + ' '));
        li.appendChild(location_(r.m[m].file, r.m[m].line));
        ul.appendChild(li);
      }
      right.appendChild(ul);
    } else {
      right.appendChild(el('p', 'none', 'No implementation reference.'));
    }
    box.appendChild(right);

    var tests = el('div', 'detail-wide');
    heading(tests, 'Verifying tests');
    if (r.v && r.v.length) {
      var t = el('table', 't-table');
      var hr = el('tr');
      ['Result', 'Test', 'Binary', 'Location', 'Reference'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
      var thead = el('thead');
      thead.appendChild(hr);
      t.appendChild(thead);
      var tb = el('tbody');
      for (var v = 0; v < r.v.length; v++) {
        var link = r.v[v];
        var test = T[link[0]];
        var row = el('tr');
        var res = el('span', 't-res r-' + RESULT[test.res]);
        res.appendChild(resultIcon(test.res));
        res.appendChild(document.createTextNode(RESULT_LABEL[test.res]));
        row.appendChild(el('td')).appendChild(res);
        var nameCell = el('td', 'mono', test.name);
        if (link[2] & 1) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag flag-stale', 'stale revision: does not verify')); }
        if ((link[2] & 2) || (test.flags & 1)) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag', 'ignored')); }
        if (test.flags & 2) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag', 'should_panic')); }
        if (test.msg) nameCell.appendChild(el('pre', 'msg', test.msg));
        row.appendChild(nameCell);
        row.appendChild(el('td', 'mono', test.bin));
        row.appendChild(el('td')).appendChild(location_(test.file, test.line));
        row.appendChild(el('td')).appendChild(location_(test.file, test.line + link[1]));
        tb.appendChild(row);
      }
      t.appendChild(tb);
      tests.appendChild(t);
    } else {
      tests.appendChild(el('p', 'none', 'No test verifies this requirement.'));
    }
    box.appendChild(tests);
    td.appendChild(box);
    tr.appendChild(td);
    return tr;
  }

  function linkList(parent, title, ids) {
    if (!ids || !ids.length) return;
    heading(parent, title);
    var box = el('div', 'links');
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] in byId) box.appendChild(reqLink(ids[i]));
      else box.appendChild(el('span', 'none', ids[i] + ' (unknown)'));
    }
    parent.appendChild(box);
  }

  function pageCount() { return Math.max(1, Math.ceil(view.length / state.size)); }

  function render() {
    var bodies = table.tBodies;
    while (bodies.length) table.removeChild(bodies[0]);
    var all = state.printing || state.size === Infinity;
    if (state.page >= pageCount()) state.page = pageCount() - 1;
    if (state.page < 0) state.page = 0;
    var start = all ? 0 : state.page * state.size;
    var end = all ? view.length : Math.min(view.length, start + state.size);
    var frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) frag.appendChild(rowGroup(view[k]));
    table.appendChild(frag);

    var filtered = view.length !== R.length;
    var text = R.length === 0 ? 'The report has no requirements' : view.length === 0 ? 'No requirement matches'
      : 'Showing ' + (start + 1).toLocaleString() + '\u2013' + end.toLocaleString() + ' of ' + view.length.toLocaleString() + ' requirement' + (view.length === 1 ? '' : 's');
    if (filtered) text += ' (filtered from ' + R.length.toLocaleString() + ')';
    var desc = describeFilters();
    if (desc) text += ' \u2014 ' + desc;
    $('count').textContent = text;
    $('empty').hidden = view.length !== 0;

    var pages = pageCount();
    $('page-info').textContent = all ? 'All rows' : 'Page ' + (state.page + 1) + ' of ' + pages;
    var pager = $('pager');
    pager.querySelector('[data-page="first"]').disabled = all || state.page === 0;
    pager.querySelector('[data-page="prev"]').disabled = all || state.page === 0;
    pager.querySelector('[data-page="next"]').disabled = all || state.page >= pages - 1;
    pager.querySelector('[data-page="last"]').disabled = all || state.page >= pages - 1;

    var tiles = document.querySelectorAll('.tile[data-status]');
    for (var t = 0; t < tiles.length; t++) {
      tiles[t].classList.toggle('active', state.status !== '' && tiles[t].getAttribute('data-status') === state.status);
    }
  }

  function describeFilters() {
    var parts = [];
    if (state.q) parts.push('search \u201C' + state.q + '\u201D');
    if (state.status) parts.push('status: ' + $('f-status').selectedOptions[0].textContent);
    if (state.doc !== '') parts.push('document: ' + D.files[+state.doc]);
    if (state.area !== '') parts.push('area: ' + D.areas[+state.area]);
    if (state.tag !== '') parts.push('tag: ' + D.tags[+state.tag]);
    return parts.join(', ');
  }

  function update() {
    recompute();
    render();
  }

  /* ---- controls ---- */

  function fillSelect(select, values, labels) {
    for (var i = 0; i < values.length; i++) {
      var o = el('option', null, labels[i]);
      o.value = String(values[i]);
      select.appendChild(o);
    }
  }

  var docCounts = Object.create(null);
  var areaCounts = Object.create(null);
  var tagCounts = Object.create(null);
  R.forEach(function (r) {
    docCounts[r.f] = (docCounts[r.f] || 0) + 1;
    areaCounts[r.a] = (areaCounts[r.a] || 0) + 1;
    if (r.g) r.g.forEach(function (g) { tagCounts[g] = (tagCounts[g] || 0) + 1; });
  });
  var docIdx = D.docs.filter(function (f) { return docCounts[f]; });
  fillSelect($('f-doc'), docIdx, docIdx.map(function (f) { return D.files[f] + ' (' + docCounts[f] + ')'; }));
  var areaIdx = D.areas.map(function (_, i) { return i; }).filter(function (i) { return areaCounts[i]; });
  fillSelect($('f-area'), areaIdx, areaIdx.map(function (i) { return (D.areas[i] || '(none)') + ' (' + areaCounts[i] + ')'; }));
  var tagIdx = D.tags.map(function (_, i) { return i; });
  fillSelect($('f-tag'), tagIdx, tagIdx.map(function (i) { return D.tags[i] + ' (' + (tagCounts[i] || 0) + ')'; }));
  if (!tagIdx.length) $('f-tag').disabled = true;

  function readControls() {
    state.q = $('q').value.trim();
    state.status = $('f-status').value;
    state.doc = $('f-doc').value;
    state.area = $('f-area').value;
    state.tag = $('f-tag').value;
    state.page = 0;
  }
  function onControl() { readControls(); update(); }
  $('q').addEventListener('input', onControl);
  ['f-status', 'f-doc', 'f-area', 'f-tag'].forEach(function (id) { $(id).addEventListener('change', onControl); });
  $('controls').addEventListener('submit', function (e) { e.preventDefault(); });
  function clearControls() {
    $('q').value = '';
    ['f-status', 'f-doc', 'f-area', 'f-tag'].forEach(function (id) { $(id).value = ''; });
    readControls();
  }
  $('reset').addEventListener('click', function () { clearControls(); update(); });

  function resetFilters() {
    clearControls();
    recompute();
  }

  function setFilter(id, value) {
    $(id).value = value;
    readControls();
    update();
    $('matrix').scrollIntoView({ block: 'start' });
  }
  Array.prototype.forEach.call(document.querySelectorAll('.tile[data-status]'), function (b) {
    b.addEventListener('click', function () { setFilter('f-status', b.getAttribute('data-status')); });
  });
  function nameIndex(list, name) { return list.indexOf(name); }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-doc]'), function (b) {
    b.addEventListener('click', function () {
      var f = nameIndex(D.files, b.getAttribute('data-doc'));
      if (f >= 0) setFilter('f-doc', String(f));
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button[data-area]'), function (b) {
    b.addEventListener('click', function () {
      var a = nameIndex(D.areas, b.getAttribute('data-area'));
      if (a >= 0) setFilter('f-area', String(a));
    });
  });

  table.tHead.addEventListener('click', function (e) {
    var th = e.target.closest('th[data-sort]');
    if (!th) return;
    var key = th.getAttribute('data-sort');
    if (state.sort === key) state.dir = -state.dir;
    else { state.sort = key; state.dir = 1; }
    Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-sort]'), function (h) {
      h.setAttribute('aria-sort', h === th ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
    });
    state.page = 0;
    update();
  });

  table.addEventListener('click', function (e) {
    if (e.target.closest('a')) return;
    var row = e.target.closest('tr.row');
    if (!row) return;
    if (!e.target.closest('.tog') && window.getSelection && String(window.getSelection()).length) return;
    var body = row.parentNode;
    var i = +body.getAttribute('data-index');
    state.open[i] = !(state.open[i] || state.expandAll);
    if (!state.open[i]) delete state.open[i];
    var fresh = rowGroup(i);
    body.parentNode.replaceChild(fresh, body);
    var tog = fresh.querySelector('.tog');
    if (tog && e.target.closest('.tog')) tog.focus();
  });

  $('pager').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-page]');
    if (!b) return;
    var p = b.getAttribute('data-page');
    if (p === 'first') state.page = 0;
    else if (p === 'prev') state.page--;
    else if (p === 'next') state.page++;
    else if (p === 'last') state.page = pageCount() - 1;
    render();
    $('matrix').scrollIntoView({ block: 'start' });
  });
  $('page-size').addEventListener('change', function () {
    var v = $('page-size').value;
    state.size = v === 'all' ? Infinity : +v;
    state.page = 0;
    render();
  });
  $('expand-all').addEventListener('change', function () {
    state.expandAll = $('expand-all').checked;
    if (!state.expandAll) state.open = Object.create(null);
    render();
  });
  $('print-btn').addEventListener('click', function () { window.print(); });
  // Print is the audit document: every row of the current view, details open.
  window.addEventListener('beforeprint', function () { state.printing = true; render(); });
  window.addEventListener('afterprint', function () { state.printing = false; render(); });

  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      e.preventDefault();
      $('q').focus();
    }
  });

  /* ---- deep links ---- */

  function openFromHash() {
    var h = location.hash;
    if (h.indexOf('#req-') !== 0) return;
    var id;
    try { id = decodeURIComponent(h.slice(5)); } catch (err) { return; }
    if (!(id in byId)) return;
    var i = byId[id];
    var pos = view.indexOf(i);
    if (pos < 0) {
      resetFilters();
      pos = view.indexOf(i);
    }
    if (pos < 0) return;
    state.open[i] = true;
    state.target = i;
    if (state.size !== Infinity) state.page = Math.floor(pos / state.size);
    render();
    var node = $('req-' + id);
    if (node) node.scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', openFromHash);

  /* ---- grid ---- */

  var gridDoc = $('grid-doc');
  fillSelect(gridDoc, docIdx, docIdx.map(function (f) { return D.files[f]; }));
  function renderGrid() {
    var box = $('grid');
    while (box.firstChild) box.removeChild(box.firstChild);
    var f = +gridDoc.value;
    var reqs = [];
    var testSet = Object.create(null);
    var testList = [];
    for (var i = 0; i < R.length; i++) {
      if (R[i].f !== f) continue;
      reqs.push(i);
      var v = R[i].v || [];
      for (var k = 0; k < v.length; k++) {
        if (!(v[k][0] in testSet)) { testSet[v[k][0]] = true; testList.push(v[k][0]); }
      }
    }
    if (reqs.length > GRID_LIMIT || testList.length > GRID_LIMIT) {
      box.appendChild(el('p', 'note', 'Too large for a grid: ' + reqs.length + ' requirements \u00D7 ' + testList.length +
        ' tests (the limit is ' + GRID_LIMIT + ' \u00D7 ' + GRID_LIMIT + '). Use the matrix above, filtered by this document.'));
      return;
    }
    if (!testList.length) {
      box.appendChild(el('p', 'none', 'No test verifies a requirement of this document.'));
      return;
    }
    testList.sort(function (a, b) { return T[a].name < T[b].name ? -1 : T[a].name > T[b].name ? 1 : a - b; });
    var col = Object.create(null);
    testList.forEach(function (t, c) { col[t] = c; });
    var g = el('table', 'grid');
    var thead = el('thead');
    var hr = el('tr');
    hr.appendChild(el('th', null, 'Requirement'));
    testList.forEach(function (t) {
      var th = el('th', 'tcol', lastSegment(T[t].name));
      th.title = T[t].name + ' (' + T[t].bin + ')';
      th.scope = 'col';
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    g.appendChild(thead);
    var tb = el('tbody');
    reqs.forEach(function (i) {
      var r = R[i];
      var tr = el('tr');
      var th = el('th', counted(r) ? 'st-' + STATUS[r.s] : 'nc');
      th.scope = 'row';
      th.appendChild(reqLink(r.i));
      th.title = r.t;
      tr.appendChild(th);
      var cells = new Array(testList.length);
      (r.v || []).forEach(function (link) { cells[col[link[0]]] = link; });
      for (var c = 0; c < testList.length; c++) {
        var td = el('td');
        if (cells[c]) {
          var res = T[testList[c]].res;
          td.appendChild(resultIcon(res));
          td.title = r.i + ' \u00D7 ' + T[testList[c]].name + ': ' + RESULT_LABEL[res];
        }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    g.appendChild(tb);
    box.appendChild(g);
  }
  gridDoc.addEventListener('change', renderGrid);
  $('grid-details').addEventListener('toggle', function () {
    if ($('grid-details').open) renderGrid();
  });

  /* ---- start ---- */

  update();
  if (location.hash) openFromHash();
  document.documentElement.setAttribute('data-ready', '1');
})();
