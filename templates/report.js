/* reqtrail HTML report: builds the traceability matrix from the embedded data block.
 *
 * Data layout (written by src/report/html.rs, where the reasons for it are):
 *   files, bins, areas, tags, mods, reasons, styles: string tables; docs: indices into files.
 *   tests: [module, name, bin, file, line, result, flags?(1 ignored, 2 should_panic), message?]
 *   reqs: {i id, t title (or its length when x starts with it), f file, l line,
 *          n revision (1), c lifecycle (3 active), s status, a area, g tags,
 *          x plain text (paragraphs split by blank lines) or else h, safe HTML of a text
 *          with markup, y reason, w waiver, e style (0), p parents, k children, d fields,
 *          v [[test, ref line - test line, flags?(1 stale, 2 ignored, 4 suspect)]],
 *          m [[module, name, file, line]], q [old text's source, word diff as safe HTML]}
 * Every string from the data reaches the page as textContent or an attribute value. The one
 * exceptions are `q[1]`, a word diff whose every text the Rust side escaped (it adds only
 * <del> and <ins>), and `h`, the requirement text that the Rust side rendered from Markdown with raw
 * HTML turned into text and unsafe URLs removed. The Content-Security-Policy of the page
 * forbids any script but this one, so even a mistake there could not run code.
 */
(function () {
  'use strict';

  var STATUS = ['verified', 'partial', 'failing', 'unverified', 'waived', 'suspect'];
  var STATUS_LABEL = ['Verified', 'Partial', 'Failing', 'Unverified', 'Waived', 'Suspect'];
  var STATUS_ICON = ['\u2713', '\u25D0', '\u2717', '\u25CB', '\u2298', '\u26A0'];
  // Sort order by urgency: failing first, then suspect, unverified, partial, verified, waived,
  // others.
  var STATUS_RANK = [4, 3, 0, 2, 5, 1];
  var RESULT = ['passed', 'failed', 'errored', 'skipped', 'not-run', 'unknown'];
  var RESULT_LABEL = ['passed', 'failed', 'errored', 'skipped', 'not run', 'no result'];
  var RESULT_ICON = ['\u2713', '\u2717', '!', '\u2212', '\u25CB', '?'];
  // Evidence levels, as html.rs's LEVELS: a link's flags >> 3.
  var LEVELS = ['utest', 'itest', 'stest', 'manual', 'inspection', 'analysis', 'demonstration', 'review', 'impl'];
  var LIFECYCLE = ['draft', 'proposed', 'approved', 'active', 'deprecated', 'rejected'];
  var GRID_LIMIT = 200;
  // "Show all" and the print button build rows this many at a time, one batch per frame, so
  // 10,000 rows never freeze the page; a screen reader hears the row count once typing stops.
  var CHUNK = 500;
  var ANNOUNCE_DELAY = 800;
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
  // A large page (lazy.rs): D.reqs and D.tests are the first ones, D.lazy indexes them all,
  // the rest waits compressed in the reqtrail-z-* blocks until `loaded`.
  var L = D.lazy || null;
  var loaded = !L;
  var hayText = null, hayRaw = null, reqLines = null, testLines = null;
  var R;
  function joinPath(module, name) { return D.mods[module] ? D.mods[module] + '::' + name : name; }
  function testObject(t) {
    return { name: joinPath(t[0], t[1]), bin: D.bins[t[2]], file: D.files[t[3]], line: t[4],
      res: t[5], flags: t[6] || 0, msg: t[7] || null };
  }
  var T = D.tests.map(testObject);
  // Test k, read from its line on a large page the first time it is needed.
  function tst(k) {
    return T[k] || (T[k] = testObject(JSON.parse(testLines[k - L.k])));
  }
  function prepare(r) {
    if (r.c === undefined) r.c = 3;
    if (typeof r.t === 'number') r.t = (r.x || '').slice(0, r.t);
    if (r.m) r.m = r.m.map(function (m) { return { item: joinPath(m[0], m[1]), file: D.files[m[2]], line: m[3] }; });
    return r;
  }
  D.reqs.forEach(prepare);
  if (L) {
    // Requirements past the first ones start as their index entry (what filters and counts
    // read) and become whole in `full` once the blocks are inflated.
    R = new Array(L.n);
    var tagsOf = Object.create(null);
    L.g.forEach(function (g) { tagsOf[g[0]] = g[1]; });
    var fileOf = new Array(L.n);
    for (var run = 0, at = 0; run < L.f.length; run += 2) {
      for (var end = at + L.f[run + 1]; at < end; at++) fileOf[at] = L.f[run];
    }
    for (var j = 0; j < L.n; j++) {
      if (j < L.e) { R[j] = D.reqs[j]; continue; }
      // The id comes with the search records (finishLoading).
      R[j] = { i: '', s: +L.s[j], c: +L.c[j], f: fileOf[j], a: L.a[j], g: tagsOf[j], lazy: true };
    }
    // Only whether there is one matters to the filters; `full` brings the defects.
    L.df.forEach(function (j) { if (R[j].lazy) R[j].df = ['']; });
  } else {
    R = D.reqs;
  }
  // Requirement i with every detail, parsed from its line and search record when lazy.
  function full(i) {
    var r = R[i];
    if (!r.lazy) return r;
    var o = JSON.parse(reqLines[i - L.e]);
    var parts = hayRaw[i].split('\u001f');
    o.i = parts[0];
    o.t = parts[1];
    if (!o.h && parts[2]) o.x = parts[2];
    R[i] = prepare(o);
    return R[i];
  }
  function title(i) { return R[i].lazy ? hayRaw[i].split('\u001f', 2)[1] : R[i].t; }
  function testCount(i) { return L ? L.nv.charCodeAt(i) - 48 : len(R[i].v); }
  function implCount(i) { return L ? L.nm.charCodeAt(i) - 48 : len(R[i].m); }
  function reason(r) { return r.y === undefined ? '' : D.reasons[r.y]; }
  var byId = Object.create(null);
  for (var n = 0; n < R.length; n++) if (R[n].i) byId[R[n].i] = n;

  // While a large page is still inflating its blocks, an action that needs them waits here and
  // runs once they are read; `data-busy` says so (the benchmark and the tests wait on it).
  var waiting = [];
  var unreadableData = false;
  function later(fn) {
    if (unreadableData) return;
    // Keys typed while waiting queue one search, not one per key.
    if (waiting.indexOf(fn) < 0) waiting.push(fn);
    document.documentElement.setAttribute('data-busy', '1');
  }
  function whenLoaded(fn) {
    if (loaded) fn();
    else later(fn);
  }

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
    var a = el('a', 'rid');
    // Long ids break after their separators rather than anywhere.
    var parts = id.split(/([.\-~_:])/);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      a.appendChild(document.createTextNode(parts[i]));
      if (/^[.\-~_:]$/.test(parts[i])) a.appendChild(document.createElement('wbr'));
    }
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
  // The icon of a result. Where no label follows it (chips, grid cells) it is an image named
  // by the result, so a screen reader reads "failed" rather than an empty cell.
  function resultIcon(res, labelled) {
    var s = el('span', 'res res-' + RESULT[res], RESULT_ICON[res]);
    if (labelled) {
      s.setAttribute('aria-hidden', 'true');
    } else {
      s.setAttribute('role', 'img');
      s.setAttribute('aria-label', RESULT_LABEL[res]);
    }
    return s;
  }
  // Text that may break after `::`, `/` and `_` (long test and file names) rather than
  // anywhere, so a printed page shows every name whole.
  function breakable(cls, text) {
    var span = el('span', cls);
    var parts = String(text).split(/(::|\/|_)/);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      span.appendChild(document.createTextNode(parts[i]));
      if (parts[i] === '::' || parts[i] === '/' || parts[i] === '_') span.appendChild(document.createElement('wbr'));
    }
    return span;
  }
  // Display names for a set of tests: the last path segment, and where two tests share it,
  // the binary (`get_set · client`) or, in the same binary, the whole path.
  function testLabels(indices) {
    var bySeg = Object.create(null);
    indices.forEach(function (t) {
      var seg = lastSegment(tst(t).name);
      (bySeg[seg] = bySeg[seg] || []).push(t);
    });
    var labels = Object.create(null);
    indices.forEach(function (t) {
      var seg = lastSegment(tst(t).name);
      var same = bySeg[seg].filter(function (u) { return u !== t; });
      if (!same.length) { labels[t] = seg; return; }
      var sameBin = same.some(function (u) { return tst(u).bin === tst(t).bin; });
      var otherBin = same.some(function (u) { return tst(u).bin !== tst(t).bin; });
      labels[t] = (sameBin ? tst(t).name : seg) + (otherBin ? ' \u00B7 ' + tst(t).bin : '');
    });
    return labels;
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
    if (L) {
      // The search records, lowercased at once; the parts are joined by U+001F, not a newline:
      // a search token holds neither, so it matches the same requirements.
      hay = hayText.toLowerCase().split('\u001e');
      return;
    }
    hay = new Array(R.length);
    for (var i = 0; i < R.length; i++) {
      var r = R[i];
      var parts = [r.i, r.t, r.x || (r.h ? htmlText(r.h) : ''), D.files[r.f], reason(r)];
      if (r.g) for (var g = 0; g < r.g.length; g++) parts.push(D.tags[r.g[g]]);
      if (r.v) for (var v = 0; v < r.v.length; v++) parts.push(tst(r.v[v][0]).name);
      if (r.m) for (var m = 0; m < r.m.length; m++) parts.push(r.m[m].item);
      hay[i] = parts.join('\n').toLowerCase();
    }
  }

  function statusMatches(r) {
    switch (state.status) {
      case '': return true;
      case 'not-counted': return !counted(r);
      case 'gaps': return counted(r) && (r.s === 1 || r.s === 2 || r.s === 3 || r.s === 5);
      case 'failing-tracked': return counted(r) && r.s === 2 && !!(r.df && r.df.length);
      case 'failing-untracked': return counted(r) && r.s === 2 && !(r.df && r.df.length);
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
      var keys = R.map(function (r, i) { return key === 'id' ? r.i : title(i); });
      cmp = function (a, b) { return collator.compare(keys[a], keys[b]) || a - b; };
    } else if (key === 'status') {
      cmp = function (a, b) { return rank(R[a]) - rank(R[b]) || a - b; };
    } else if (key === 'tests') {
      cmp = function (a, b) { return testCount(a) - testCount(b) || a - b; };
    } else if (key === 'impl') {
      cmp = function (a, b) { return implCount(a) - implCount(b) || a - b; };
    }
    // 'doc' is the report's own order: by file, then line.
    if (cmp) order.sort(cmp);
    sortCache[key] = order;
    return order;
  }
  function rank(r) { return counted(r) ? STATUS_RANK[r.s] : 6; }
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
    var r = full(i);
    // Printed, the matrix stays compact; the details follow it (see printDetails).
    var open = !state.printing && (state.expandAll || !!state.open[i]);
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
    var parts = D.files[r.f].split('/');
    for (var p = 0; p < parts.length; p++) {
      var last = p === parts.length - 1;
      tdDoc.appendChild(document.createTextNode(parts[p] + (last ? '' : '/')));
      if (!last) tdDoc.appendChild(document.createElement('wbr'));
    }
    tdDoc.appendChild(document.createElement('wbr'));
    tdDoc.appendChild(document.createTextNode(':' + r.l));
    tdDoc.title = D.files[r.f] + ':' + r.l;

    var tdStatus = cell(tr, 'c-status', 'Status');
    tdStatus.appendChild(badge(r));
    if (r.df && r.df.length) tdStatus.appendChild(defectList(r.df));

    var tdTests = cell(tr, 'c-tests', 'Verifying tests');
    if (r.v && r.v.length) {
      var ul = el('ul', 'chips');
      var labels = testLabels(r.v.map(function (link) { return link[0]; }));
      for (var v = 0; v < r.v.length && v < CHIPS_SHOWN; v++) {
        var test = tst(r.v[v][0]);
        var li = el('li');
        li.appendChild(resultIcon(test.res));
        var name = breakable('name', labels[r.v[v][0]]);
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
    if (r.lv && r.lv.length) {
      var lv = el('span', 'levels');
      lv.title = 'Levels with passing evidence';
      r.lv.forEach(function (l) { lv.appendChild(el('span', 'level lv-' + l, l)); });
      tdTests.appendChild(lv);
    }

    var tdImpl = cell(tr, 'c-impl', 'Implementation');
    if (r.m && r.m.length) {
      for (var m = 0; m < r.m.length && m < IMPLS_SHOWN; m++) {
        var item = breakable('item', r.m[m].item);
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

  // Known defects, each linked through the configured `defect-link` when there is one.
  function defectList(ids) {
    var box = el('span', 'defects');
    ids.forEach(function (id) {
      var d;
      if (D.deflink) {
        d = el('a', 'defect', '\u2691 ' + id);
        d.href = D.deflink.split('{id}').join(encodeURIComponent(id.replace(/^#/, '')));
        d.rel = 'noopener noreferrer';
      } else {
        d = el('span', 'defect', '\u2691 ' + id);
      }
      d.title = 'Known defect ' + id;
      box.appendChild(d);
    });
    return box;
  }

  function detailRow(r) {
    var tr = el('tr', 'detail');
    var td = el('td');
    td.colSpan = 6;
    td.appendChild(detailBody(r));
    tr.appendChild(td);
    return tr;
  }

  function detailBody(r) {
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
    if (r.df && r.df.length) {
      heading(left, 'Known defects');
      left.appendChild(defectList(r.df));
    }
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
    if (r.q) {
      heading(left, 'Reworded since ' + r.q[0]);
      var diff = el('p', 'req-diff');
      // Safe by construction on the Rust side; see the header of this file.
      diff.innerHTML = r.q[1];
      left.appendChild(diff);
    }
    box.appendChild(left);

    var right = el('div');
    var kv = el('dl', 'kv');
    function pair(k, v) { kv.appendChild(el('dt', null, k)); kv.appendChild(el('dd', null, v)); }
    pair('Area', D.areas[r.a]);
    if (r.lv && r.lv.length) pair('Levels', r.lv.join(', '));
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
        var test = tst(link[0]);
        var row = el('tr');
        var res = el('span', 't-res r-' + RESULT[test.res]);
        res.appendChild(resultIcon(test.res, true));
        res.appendChild(document.createTextNode(RESULT_LABEL[test.res]));
        var resCell = row.appendChild(el('td'));
        resCell.appendChild(res);
        // The level of this piece of evidence, under its result.
        resCell.appendChild(el('span', 'level level-cell', LEVELS[(link[2] || 0) >> 3] || ''));
        var nameCell = el('td', 'mono');
        nameCell.appendChild(breakable(null, test.name));
        if (link[2] & 1) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag flag-stale', 'stale revision: does not verify')); }
        if (link[2] & 4) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag flag-stale', 'suspect: requirement reworded, test untouched')); }
        if ((link[2] & 2) || (test.flags & 1)) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag', 'ignored')); }
        if (test.flags & 2) { nameCell.appendChild(document.createTextNode(' ')); nameCell.appendChild(el('span', 'flag', 'should_panic')); }
        if (test.msg) nameCell.appendChild(el('pre', 'msg', test.msg));
        row.appendChild(nameCell);
        row.appendChild(el('td', 'mono')).appendChild(breakable(null, test.bin));
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
    return box;
  }

  function linkList(parent, title, ids) {
    if (!ids || !ids.length) return;
    heading(parent, title);
    var box = el('div', 'links');
    for (var i = 0; i < ids.length; i++) {
      // Before a large page has read its blocks, only the first requirements' ids are known.
      if (ids[i] in byId || !loaded) box.appendChild(reqLink(ids[i]));
      else box.appendChild(el('span', 'none', ids[i] + ' (unknown)'));
    }
    parent.appendChild(box);
  }

  function pageCount() { return Math.max(1, Math.ceil(view.length / state.size)); }

  // Each render bumps the generation; a pending batch of an older render stops there.
  var generation = 0;

  function appendRows(from, to) {
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) frag.appendChild(rowGroup(view[k]));
    table.appendChild(frag);
  }

  // Appends rows [from, to) in batches, at most about 40 ms of work at a time (under the 50 ms
  // of a long task) with the page free to paint and take input in between, then calls done.
  function appendInChunks(from, to, done) {
    var mine = generation;
    function step() {
      if (mine !== generation) return;
      var until = performance.now() + 40;
      do {
        var stop = Math.min(to, from + CHUNK);
        appendRows(from, stop);
        from = stop;
      } while (from < to && performance.now() < until);
      if (from < to) setTimeout(step, 0);
      else if (done) done();
    }
    if (from < to) setTimeout(step, 0);
    else if (done) done();
  }

  // `done` runs once every row is on the page; `atOnce` builds them all before returning.
  function render(done, atOnce) {
    var all = state.printing || state.size === Infinity;
    if (state.page >= pageCount()) state.page = pageCount() - 1;
    if (state.page < 0) state.page = 0;
    var start = all ? 0 : state.page * state.size;
    var end = all ? view.length : Math.min(view.length, start + state.size);
    if (!loaded) {
      // Rows past the eager ones wait for the blocks.
      for (var w = start; w < end; w++) {
        if (R[view[w]].lazy) { later(function () { render(done, atOnce); }); return; }
      }
    }
    generation++;
    var bodies = table.tBodies;
    while (bodies.length) table.removeChild(bodies[0]);
    // The browser's own print (Ctrl+P) snapshots right after beforeprint: build everything now.
    // Otherwise the first batch now and the rest frame by frame.
    var now = atOnce ? end : Math.min(end, start + CHUNK);
    appendRows(start, now);
    appendInChunks(now, end, done);

    var filtered = view.length !== R.length;
    var text = R.length === 0 ? 'The report has no requirements' : view.length === 0 ? 'No requirement matches'
      : 'Showing ' + (start + 1).toLocaleString() + '\u2013' + end.toLocaleString() + ' of ' + view.length.toLocaleString() + ' requirement' + (view.length === 1 ? '' : 's');
    if (filtered) text += ' (filtered from ' + R.length.toLocaleString() + ')';
    var desc = describeFilters();
    if (desc) text += ' \u2014 ' + desc;
    $('count').textContent = text;
    announce(text);
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
      var on = tiles[t].getAttribute('data-status') === state.status;
      tiles[t].classList.toggle('active', on && state.status !== '');
      tiles[t].setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  // The count for screen readers, in a polite live region, once input has paused: announcing
  // each keystroke's count would talk over the typing.
  var announceTimer = null;
  function announce(text) {
    if (announceTimer) clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      announceTimer = null;
      var live = $('count-live');
      if (live && live.textContent !== text) live.textContent = text;
    }, ANNOUNCE_DELAY);
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
    refresh();
    writeUrl();
  }
  function refresh() {
    // A search reads the search records, a sort by id or title those or the titles: all wait
    // for the blocks.
    if (!loaded && (state.q || state.sort === 'title' || state.sort === 'id')) { later(refresh); return; }
    recompute();
    render();
  }

  /* ---- filters in the URL ---- */

  // The filters live in the fragment (`#status=failing&doc=docs%2Fapi.md`), by name rather
  // than by index, so a link sent to someone else opens the same view of a later report.
  // `#req-ID` stays the link to one requirement.
  var URL_KEYS = ['q', 'status', 'doc', 'area', 'tag', 'sort', 'dir'];
  function filterParams() {
    var p = [];
    function add(k, v) { if (v !== '' && v !== null && v !== undefined) p.push(k + '=' + encodeURIComponent(v)); }
    add('q', state.q);
    add('status', state.status);
    add('doc', state.doc === '' ? '' : D.files[+state.doc]);
    add('area', state.area === '' ? '' : D.areas[+state.area]);
    add('tag', state.tag === '' ? '' : D.tags[+state.tag]);
    if (state.sort !== 'doc' || state.dir < 0) { add('sort', state.sort); add('dir', state.dir < 0 ? 'desc' : 'asc'); }
    return p.join('&');
  }
  function writeUrl() {
    if (location.hash.indexOf('#req-') === 0 && !filterParams()) return;
    var hash = filterParams();
    var url = location.pathname + location.search + (hash ? '#' + hash : '');
    try {
      history.replaceState(null, '', url);
    } catch (err) {
      // Some browsers refuse history changes on file:// pages; the page still works.
    }
  }
  function isFilterHash(h) {
    return h.length > 1 && h.indexOf('#req-') !== 0 && h.indexOf('=') > 0;
  }
  // Applies `#k=v&...` to the controls; unknown names leave that filter empty.
  function readUrl() {
    var h = location.hash;
    if (!isFilterHash(h)) return false;
    var values = Object.create(null);
    h.slice(1).split('&').forEach(function (pair) {
      var at = pair.indexOf('=');
      if (at <= 0) return;
      var key = pair.slice(0, at);
      if (URL_KEYS.indexOf(key) < 0) return;
      try { values[key] = decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' ')); } catch (err) { /* ignore */ }
    });
    $('q').value = values.q || '';
    var status = values.status || '';
    $('f-status').value = $('f-status').querySelector('option[value="' + cssEscape(status) + '"]') ? status : '';
    function byName(select, list, name) {
      var i = name ? list.indexOf(name) : -1;
      select.value = i >= 0 && select.querySelector('option[value="' + i + '"]') ? String(i) : '';
    }
    byName($('f-doc'), D.files, values.doc);
    byName($('f-area'), D.areas, values.area);
    byName($('f-tag'), D.tags, values.tag);
    var sort = values.sort;
    if (sort && table.tHead.querySelector('th[data-sort="' + cssEscape(sort) + '"]')) {
      state.sort = sort;
      state.dir = values.dir === 'desc' ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-sort]'), function (th) {
        th.setAttribute('aria-sort', th.getAttribute('data-sort') === sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
      });
    }
    readControls();
    return true;
  }
  function cssEscape(v) { return window.CSS && CSS.escape ? CSS.escape(v) : v.replace(/["\\]/g, '\\$&'); }

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
  // Print is the audit document: every row of the current view, then every row's details.
  // The button builds them in batches first; the browser's own print builds them at once.
  var prepared = false;
  function printDetails() {
    var list = $('print-details-list');
    while (list.firstChild) list.removeChild(list.firstChild);
    var frag = document.createDocumentFragment();
    for (var k = 0; k < view.length; k++) {
      var r = full(view[k]);
      var art = el('article', 'print-detail');
      var h = el('h3', null);
      h.appendChild(el('span', 'mono', r.i));
      h.appendChild(document.createTextNode(' ' + (r.t || '(untitled)')));
      art.appendChild(h);
      art.appendChild(detailBody(r));
      frag.appendChild(art);
    }
    list.appendChild(frag);
  }
  function clearPrint() {
    var list = $('print-details-list');
    while (list.firstChild) list.removeChild(list.firstChild);
  }
  $('print-btn').addEventListener('click', function () {
    $('print-btn').disabled = true;
    whenLoaded(printNow);
  });
  function printNow() {
    state.printing = true;
    render(function () {
      printDetails();
      prepared = true;
      $('print-btn').disabled = false;
      window.print();
    });
  }
  window.addEventListener('beforeprint', function () {
    if (prepared) return;
    // A large page printed in the moment before its blocks are read prints the rows on screen;
    // the print button waits for them instead.
    if (!loaded) return;
    state.printing = true;
    render(null, true);
    printDetails();
  });
  window.addEventListener('afterprint', function () {
    prepared = false;
    state.printing = false;
    clearPrint();
    render();
  });

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
    if (!loaded) { later(openFromHash); return; }
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
  window.addEventListener('hashchange', function () {
    if (isFilterHash(location.hash)) {
      if (readUrl()) refresh();
    } else {
      openFromHash();
    }
  });

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
      var v = full(i).v || [];
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
    testList.sort(function (a, b) { return tst(a).name < tst(b).name ? -1 : tst(a).name > tst(b).name ? 1 : a - b; });
    var col = Object.create(null);
    testList.forEach(function (t, c) { col[t] = c; });
    var g = el('table', 'grid');
    var thead = el('thead');
    var hr = el('tr');
    hr.appendChild(el('th', null, 'Requirement'));
    var labels = testLabels(testList);
    testList.forEach(function (t) {
      var th = el('th', 'tcol', labels[t]);
      th.title = tst(t).name + ' (' + tst(t).bin + ')';
      th.scope = 'col';
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    g.appendChild(thead);
    var tb = el('tbody');
    reqs.forEach(function (i) {
      var r = full(i);
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
          var res = tst(testList[c]).res;
          td.appendChild(resultIcon(res));
          td.title = r.i + ' \u00D7 ' + tst(testList[c]).name + ': ' + RESULT_LABEL[res];
        }
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    g.appendChild(tb);
    box.appendChild(g);
  }
  gridDoc.addEventListener('change', function () { whenLoaded(renderGrid); });
  $('grid-details').addEventListener('toggle', function () {
    if ($('grid-details').open) whenLoaded(renderGrid);
  });

  /* ---- start ---- */

  if (readUrl()) {
    refresh();
  } else {
    update();
    if (location.hash) openFromHash();
  }
  document.documentElement.setAttribute('data-ready', '1');
  if (window.performance && performance.mark) performance.mark('reqtrail-rows');

  /* ---- a large page's blocks ---- */

  // One zlib block in base64, inflated by the browser's own DecompressionStream.
  function inflate(id) {
    var node = document.getElementById(id);
    var text = node ? node.textContent : '';
    var bytes;
    if (Uint8Array.fromBase64) {
      bytes = Uint8Array.fromBase64(text);
    } else {
      var bin = atob(text);
      bytes = new Uint8Array(bin.length);
      for (var b = 0; b < bin.length; b++) bytes[b] = bin.charCodeAt(b);
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    return new Response(stream).text();
  }
  function finishLoading() {
    loaded = true;
    document.documentElement.setAttribute('data-loaded', '1');
    if (window.performance && performance.mark) performance.mark('reqtrail-loaded');
    var queue = waiting;
    waiting = [];
    try {
      queue.forEach(function (fn) { fn(); });
    } finally {
      if (!waiting.length) document.documentElement.removeAttribute('data-busy');
    }
  }
  // Once the page has loaded (the blocks follow this script, so the first rows are built and
  // can be painted while the parser still reads them): decoding them takes a moment on a large
  // page, and work queued before would hold up the parsing.
  if (L) window.addEventListener('load', function () { setTimeout(readBlocks, 0); });
  function readBlocks() {
    try {
      Promise.all([inflate('reqtrail-z-hay'), inflate('reqtrail-z-reqs'), inflate('reqtrail-z-tests'),
        inflate('reqtrail-z-tables')])
        .then(function (texts) {
          hayText = texts[0];
          hayRaw = hayText.split('\u001e');
          // The whole tables: the page carried only the names its first rows use.
          var tables = JSON.parse(texts[3]);
          D.files = tables.files;
          D.mods = tables.mods;
          reqLines = texts[1].split('\n');
          testLines = texts[2].split('\n');
          for (var j = L.e; j < L.n; j++) {
            var id = hayRaw[j].slice(0, hayRaw[j].indexOf('\u001f'));
            if (R[j].lazy) R[j].i = id;
            byId[id] = j;
          }
          finishLoading();
        }, unreadable);
    } catch (err) {
      unreadable();
    }
  }
  // Without DecompressionStream (browsers before 2023) the first rows are all there is.
  function unreadable() {
    unreadableData = true;
    waiting = [];
    document.documentElement.removeAttribute('data-busy');
    $('count').textContent = 'This browser could not read the rest of the report: the first ' +
      L.e.toLocaleString() + ' requirements are shown. A current browser shows all ' + L.n.toLocaleString() + '.';
  }
})();

/* Diagnostics past the first ones rendered with the page (EAGER_DIAGNOSTICS in html.rs) wait in
 * the `reqtrail-diagnostics` data block, {severity, code, message, location, href, suggestion}
 * each, and are built here on demand, in batches so 100,000 never freeze the page, and all at
 * once before the browser prints. Every string reaches the page as textContent; `href` is a
 * link the Rust side built from a checked http(s) or relative template.
 */
(function () {
  'use strict';
  var node = document.getElementById('reqtrail-diagnostics');
  var button = document.getElementById('diag-more');
  var list = document.getElementById('diag-list');
  if (!node || !button || !list) return;
  var BATCH = 1000;
  var rest = null;
  var next = 0;
  function rows() {
    if (rest === null) {
      try { rest = JSON.parse(node.textContent); } catch (e) { rest = []; }
    }
    return rest;
  }
  function span(cls, text) {
    var s = document.createElement('span');
    s.className = cls;
    if (text !== undefined) s.textContent = text;
    return s;
  }
  function item(d) {
    var li = document.createElement('li');
    li.className = 'diag diag-' + d.severity;
    var loc = span('diag-loc mono');
    if (d.location && d.href) {
      var a = document.createElement('a');
      a.href = d.href;
      a.rel = 'noopener noreferrer';
      a.textContent = d.location;
      loc.appendChild(a);
    } else {
      loc.textContent = d.location || '(whole run)';
    }
    li.appendChild(loc);
    li.appendChild(document.createTextNode(' '));
    var sev = span('sev sev-' + d.severity);
    var ico = span('ico', d.severity === 'error' ? '\u2717' : '!');
    ico.setAttribute('aria-hidden', 'true');
    sev.appendChild(ico);
    sev.appendChild(document.createTextNode(' ' + d.severity));
    li.appendChild(sev);
    li.appendChild(span('mono code', '[' + d.code + ']'));
    li.appendChild(document.createTextNode(' '));
    li.appendChild(span('diag-msg', d.message));
    if (d.suggestion) {
      li.appendChild(document.createTextNode(' '));
      var hint = span('suggest', 'did you mean ');
      var code = document.createElement('code');
      code.textContent = d.suggestion;
      hint.appendChild(code);
      hint.appendChild(document.createTextNode('?'));
      li.appendChild(hint);
    }
    return li;
  }
  function append(upTo) {
    var all = rows();
    var end = Math.min(upTo, all.length);
    var batch = document.createDocumentFragment();
    for (; next < end; next++) batch.appendChild(item(all[next]));
    list.appendChild(batch);
    if (next >= all.length) {
      button.parentNode.hidden = true;
      list.setAttribute('data-complete', '1');
    }
  }
  button.addEventListener('click', function () {
    button.disabled = true;
    button.textContent = 'Showing the other diagnostics\u2026';
    (function step() {
      append(next + BATCH);
      if (next < rows().length) setTimeout(step, 0);
    })();
  });
  window.addEventListener('beforeprint', function () { append(Infinity); });
})();
