/*
 * evalh report page script (inlined into the report; runs offline, no requests).
 * Draws the charts from the specs in #evalh-data and renders the item table a page at a
 * time from the embedded item array: filters, sorting, paging, click-to-expand details.
 * Every piece of text from the data goes in through textContent: model outputs, answers
 * and errors can never become markup.
 */
(function () {
  'use strict';

  performance.mark('evalh:script-start');
  var data = JSON.parse(document.getElementById('evalh-data').textContent);
  var runs = data.runs;
  var items = data.items;
  var multi = runs.length > 1;
  var group = data.group;
  // A suite's own item view (reports/alignbench.ts writes #evalh-view): null for LongBench.
  var viewEl = document.getElementById('evalh-view');
  var suiteView = viewEl ? JSON.parse(viewEl.textContent) : null;
  var ab = suiteView && suiteView.kind === 'alignbench' ? suiteView : null;
  // The code suites (reports/code.ts): HumanEval-X and NaturalCodeBench.
  var cd = suiteView && suiteView.kind === 'code' ? suiteView : null;
  performance.mark('evalh:data-parsed');
  var bodyFont = getComputedStyle(document.body).fontFamily;

  // ---------------------------------------------------------------- helpers

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmtInt(n) {
    return n.toLocaleString('en-US');
  }
  function fmtMs(ms) {
    if (ms === undefined || ms === null) return '—';
    if (ms < 1000) return Math.round(ms) + ' ms';
    return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }
  // ROUGE's F-measure of two identical texts is 0.999999995 (its epsilon): a full score.
  var FULL = 1 - 1e-6;
  function fmtItemScore(s) {
    return Number.isInteger(s) ? String(s) : s >= FULL ? '1' : s.toFixed(3);
  }
  /** Two-line (or more) axis labels instead of rotated ones. */
  function wrapLabel(label) {
    if (label.length <= 12 || label.indexOf(' ') < 0) return label;
    var lines = [];
    label.split(' ').forEach(function (w) {
      var last = lines.length ? lines[lines.length - 1] : null;
      if (last !== null && (last + ' ' + w).length <= 12) lines[lines.length - 1] = last + ' ' + w;
      else lines.push(w);
    });
    return lines;
  }
  function oneLine(s, max) {
    var t = s.length > max * 2 ? s.slice(0, max * 2) : s;
    t = t.replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max) + '…' : t;
  }
  /** A run's score for an item: a number, or null (failed / not in the run). */
  function scoreOf(it, i) {
    var r = it.r[i];
    return r && r.st === 'done' && typeof r.sc === 'number' ? r.sc : null;
  }

  // ---------------------------------------------------------------- charts

  var valueLabels = {
    id: 'evalhValueLabels',
    afterDatasetsDraw: function (chart, _args, opts) {
      if (!opts || !opts.enabled) return;
      var ctx = chart.ctx;
      var bars = 0;
      chart.data.datasets.forEach(function (ds) {
        bars += ds.data.length;
      });
      ctx.save();
      ctx.font = '600 11px ' + bodyFont;
      ctx.fillStyle = '#2d3136';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      chart.data.datasets.forEach(function (ds, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden || (meta.data[0] && meta.data[0].width < 30)) return; // no room for a label
        meta.data.forEach(function (bar, j) {
          var v = ds.data[j];
          if (v === null || v === undefined) return;
          ctx.fillText(v.toFixed(bars <= 8 ? 2 : 1), bar.x, bar.y - 3);
        });
      });
      ctx.restore();
    },
  };

  function chartConfig(spec) {
    if (spec.kind === 'radar') return radarConfig(spec);
    var several = spec.series.length > 1 && !spec.legendItems;
    var common = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: several, position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
        evalhValueLabels: { enabled: !!spec.valueLabels },
        tooltip: {},
      },
    };
    if (spec.kind === 'line') {
      var names = spec.pointNames || {};
      common.plugins.tooltip.callbacks = {
        title: function (ctx) {
          var x = ctx.length ? ctx[0].parsed.x : '';
          return 'step ' + fmtInt(x) + (names[String(x)] ? ' — ' + names[String(x)] : '');
        },
      };
      // Zoomed to the data (a trend of a few points is invisible on 0-100), never past 0 or 100.
      var ys = [];
      spec.series.forEach(function (s) {
        s.data.forEach(function (p) {
          if (p.y !== null) ys.push(p.y);
        });
      });
      var lo = ys.length ? Math.min.apply(null, ys) : 0;
      var hi = ys.length ? Math.max.apply(null, ys) : 100;
      var pad = Math.max(2, (hi - lo) * 0.1);
      common.scales = {
        x: { type: 'linear', title: { display: !!spec.xTitle, text: spec.xTitle }, ticks: { callback: function (v) { return fmtInt(v); } } },
        y: { title: { display: !!spec.yTitle, text: spec.yTitle }, min: Math.max(0, Math.floor(lo - pad)), max: Math.min(100, Math.ceil(hi + pad)) },
      };
      return {
        type: 'line',
        data: {
          datasets: spec.series.map(function (s) {
            return {
              label: s.label,
              data: s.data,
              borderColor: s.color,
              backgroundColor: s.color,
              borderWidth: s.strong ? 3 : 1.5,
              pointRadius: s.strong ? 4 : 2.5,
              tension: 0,
              spanGaps: true,
            };
          }),
        },
        options: common,
      };
    }
    common.layout = { padding: { top: spec.valueLabels ? 18 : 4 } };
    common.scales = {
      x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 60 } },
      y: { beginAtZero: true, max: spec.scale ? spec.scale.max : 100, title: { display: !!spec.yTitle, text: spec.yTitle } },
    };
    if (spec.scale && spec.scale.integer) common.scales.y.ticks = { precision: 0 };
    if (spec.xTitle) common.scales.x.title = { display: true, text: spec.xTitle };
    return {
      type: 'bar',
      data: {
        labels: spec.labels.map(wrapLabel),
        datasets: spec.series.map(function (s) {
          return {
            label: s.label,
            data: s.data,
            backgroundColor: s.colors || s.color,
            borderWidth: 0,
            borderRadius: 2,
            maxBarThickness: 56,
          };
        }),
      },
      options: common,
      plugins: [valueLabels],
    };
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  /** A radar of categories: one filled polygon per series, the radial scale fixed (AlignBench: 0–10). */
  function radarConfig(spec) {
    var sc = spec.scale || {};
    return {
      type: 'radar',
      data: {
        labels: spec.labels.map(function (l) {
          var lines = [];
          l.split('\n').forEach(function (line) {
            lines = lines.concat(wrapLabel(line));
          });
          return lines;
        }),
        datasets: spec.series.map(function (s) {
          return {
            label: s.label,
            data: s.data,
            borderColor: s.color,
            backgroundColor: rgba(s.color, spec.series.length > 1 ? 0.1 : 0.18),
            pointBackgroundColor: s.color,
            pointRadius: 3,
            borderWidth: 2,
            fill: true,
            spanGaps: true,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // Chart.js places long point labels only roughly; a margin keeps them inside the canvas.
        layout: { padding: { left: 12, right: 12 } },
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              title: function (ctx) {
                var l = ctx.length ? ctx[0].label : '';
                return Array.isArray(l) ? l.join(' ') : String(l).replace(/,/g, ' ');
              },
              label: function (ctx) {
                var v = ctx.raw;
                return ctx.dataset.label + ': ' + (v === null || v === undefined ? '—' : v.toFixed(2));
              },
            },
          },
        },
        scales: {
          r: {
            min: sc.min !== undefined ? sc.min : 0,
            max: sc.max !== undefined ? sc.max : 10,
            ticks: { stepSize: sc.step || 2, backdropColor: 'rgba(255,255,255,0.85)', font: { size: 10 } },
            pointLabels: { font: { size: 12 }, color: '#2d3136' },
            grid: { color: '#e3e6ea' },
            angleLines: { color: '#e3e6ea' },
          },
        },
      },
    };
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') {
      data.charts.forEach(function (spec) {
        var c = document.getElementById(spec.id);
        if (c) c.replaceWith(el('p', 'note', 'Chart.js did not load; the numbers are in the tables above.'));
      });
      return;
    }
    Chart.defaults.font.family = bodyFont;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = '#4a4f57';
    Chart.defaults.borderColor = '#e6e8eb';
    data.charts.forEach(function (spec) {
      var canvas = document.getElementById(spec.id);
      if (canvas) new Chart(canvas, chartConfig(spec));
    });
  }

  // ---------------------------------------------------------------- item table

  var body = document.getElementById('items-body');
  var statusEl = document.getElementById('items-status');
  if (ab) abSetup();
  if (cd) cdSetup();
  var columns = document.querySelectorAll('#items-table thead th').length;
  var state = { ds: '', g: '', failed: false, below1: false, changed: false, unparseable: false, noteval: false, q: '', sort: 'order', page: 0, size: 50 };
  var open = new Set();
  var view = [];
  var hay = null; // lower-cased search text per item, built on the first search

  function failed(it) {
    if (cd) return cdAny(it, 'failed');
    for (var i = 0; i < it.r.length; i++) if (it.r[i] && it.r[i].st === 'error') return true;
    return false;
  }
  function below1(it) {
    for (var i = 0; i < it.r.length; i++) {
      var s = scoreOf(it, i);
      if (s !== null && s < FULL) return true;
    }
    return false;
  }
  function changed(it) {
    var a = scoreOf(it, 0);
    for (var i = 1; i < it.r.length; i++) {
      var b = scoreOf(it, i);
      if ((a === null) !== (b === null) || (a !== null && Math.abs(a - b) > 1e-9)) return true;
    }
    return false;
  }
  function searchText(it) {
    var parts = [it.id, it.d, it.src || ''].concat(it.ref);
    if (it.x && typeof it.x.q === 'string') parts.push(it.x.q);
    if (it.x && typeof it.x.sub === 'string') parts.push(it.x.sub);
    it.r.forEach(function (r) {
      if (!r) return;
      if (r.x && typeof r.x.j === 'string') parts.push(r.x.j);
      if (r.o) parts.push(r.o);
      if (r.e) parts.push(r.e);
      if (r.ek) parts.push(r.ek);
      if (r.x && typeof r.x.log === 'string') parts.push(r.x.log);
      if (r.x && typeof r.x.code === 'string') parts.push(r.x.code);
      if (r.x && typeof r.x.oc === 'string') parts.push(r.x.oc);
    });
    return parts.join('\n').toLowerCase();
  }

  function sortKey(it) {
    switch (state.sort) {
      case 'score-asc':
      case 'score-desc': {
        var r = it.r[0];
        return r ? (r.st === 'done' ? (typeof r.sc === 'number' ? r.sc : null) : -1) : null;
      }
      case 'delta-asc':
      case 'delta-desc': {
        var a = scoreOf(it, 0);
        var b = scoreOf(it, it.r.length - 1);
        return a === null || b === null ? null : b - a;
      }
      case 'latency-desc': {
        var q = it.r[0];
        return q && typeof q.ms === 'number' ? q.ms : null;
      }
    }
    return null;
  }

  function apply() {
    var q = state.q.trim().toLowerCase();
    if (q && !hay) hay = items.map(searchText);
    var out = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      if (state.ds && it.d !== state.ds) continue;
      if (state.g && it.g !== state.g) continue;
      if (state.failed && !failed(it)) continue;
      if (state.below1 && !below1(it)) continue;
      if (state.changed && !changed(it)) continue;
      if (state.unparseable && !unparseable(it)) continue;
      if (state.noteval && !cdAny(it, 'noteval')) continue;
      if (q && hay[i].indexOf(q) < 0) continue;
      out.push(i);
    }
    if (state.sort !== 'order') {
      var desc = /-desc$/.test(state.sort);
      var keys = new Map();
      out.forEach(function (i) {
        keys.set(i, sortKey(items[i]));
      });
      out.sort(function (x, y) {
        var a = keys.get(x);
        var b = keys.get(y);
        if (a === null && b === null) return x - y;
        if (a === null) return 1; // no value: last either way
        if (b === null) return -1;
        return (desc ? b - a : a - b) || x - y;
      });
    }
    view = out;
    render();
  }

  function scoreCell(it, i) {
    if (ab) return abScoreCell(it, i);
    var td = el('td', 'num');
    var r = it.r[i];
    if (!r) {
      td.appendChild(el('span', 'muted', '—')).title = 'not in this run';
    } else if (r.st === 'error') {
      td.appendChild(el('span', 'badge bad', 'failed'));
    } else if (r.st === 'skipped') {
      td.appendChild(el('span', 'badge warn', 'skipped'));
    } else if (typeof r.sc === 'number') {
      var cls = r.sc >= FULL ? 'score full' : r.sc <= 0 ? 'score zero' : 'score part';
      var span = td.appendChild(el('span', cls, fmtItemScore(r.sc)));
      if (i > 0) {
        var a = scoreOf(it, 0);
        if (a !== null && Math.abs(r.sc - a) > 1e-9) {
          span.appendChild(el('span', r.sc > a ? 'arrow up' : 'arrow down', r.sc > a ? ' ▲' : ' ▼'));
        }
      }
    }
    return td;
  }

  function outputCell(r) {
    var td = el('td', 'clip out');
    if (!r) td.appendChild(el('span', 'muted', 'not in this run'));
    else if (r.st === 'error' || r.st === 'skipped') td.appendChild(el('span', 'err', (r.ek || 'error') + ': ' + oneLine(r.e || '', 160)));
    else if (!r.o) td.appendChild(el('span', 'muted', '(empty output)'));
    else td.textContent = oneLine(r.o, 200);
    return td;
  }

  function row(idx) {
    if (ab) return abRow(idx);
    if (cd) return cdRow(idx);
    var it = items[idx];
    var tr = el('tr', 'item-row');
    tr.tabIndex = 0;
    tr.dataset.index = String(idx);
    tr.dataset.id = it.id;
    tr.setAttribute('aria-expanded', open.has(idx) ? 'true' : 'false');
    if (open.has(idx)) tr.classList.add('open');
    tr.appendChild(el('td', 'ds', it.d));
    if (group) tr.appendChild(el('td', 'grp', it.g || ''));
    tr.appendChild(el('td', 'id', it.id));
    var ref = oneLine(it.ref.join(' | '), 120);
    if (multi) {
      tr.appendChild(el('td', 'clip ref', ref));
      for (var i = 0; i < runs.length; i++) tr.appendChild(scoreCell(it, i));
      tr.appendChild(outputCell(it.r[0]));
      return tr;
    }
    var r = it.r[0];
    tr.appendChild(scoreCell(it, 0));
    tr.appendChild(outputCell(r));
    tr.appendChild(el('td', 'clip ref', ref));
    var tok = el('td', 'num tokens');
    if (r && (r.pt !== undefined || r.ct !== undefined)) {
      tok.textContent = (r.pt !== undefined ? fmtInt(r.pt) : '—') + ' → ' + (r.ct !== undefined ? fmtInt(r.ct) : '—');
    } else tok.appendChild(el('span', 'muted', '—'));
    if (r && r.tt > 0) {
      var cut = tok.appendChild(el('span', 'badge warn', '✂ ' + fmtInt(r.tt)));
      cut.title = 'prompt truncated by ' + fmtInt(r.tt) + ' tokens';
    }
    tr.appendChild(tok);
    tr.appendChild(el('td', 'num', r ? fmtMs(r.ms) : '—'));
    tr.appendChild(el('td', r && r.a > 1 ? 'num warn' : 'num', r ? r.a : '—'));
    return tr;
  }

  function facts(dl, pairs) {
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === '') return;
      dl.appendChild(el('dt', null, p[0]));
      dl.appendChild(el('dd', p[2] || null, p[1]));
    });
    return dl;
  }

  // Texts over data.maxChars were cut by the report (reports/collect.ts capTexts): the item
  // says which, how long they are, and the command that prints them whole from the store.
  var CUT_LABELS = { o: 'output', e: 'error', 'x.log': 'execution log', 'x.prog': 'assembled program', 'x.code': 'code that was run', 'x.j': 'judgment', 'x.q': 'question', 'x.evaluation': 'evaluation', 'x.answer': 'answer' };

  function cutLabel(f) {
    if (CUT_LABELS[f]) return CUT_LABELS[f];
    var turn = /^x\.turns\.(\d+)/.exec(f);
    if (turn) return 'transcript turn ' + (Number(turn[1]) + 1);
    var ref = /^ref\.(\d+)$/.exec(f);
    if (ref) return 'reference answer ' + (Number(ref[1]) + 1);
    return f;
  }

  function shellWord(s) {
    return /^[A-Za-z0-9._\/:=@+-]+$/.test(s) ? s : "'" + String(s).replace(/'/g, "'\\''") + "'";
  }

  function cutNotice(cuts, runName, itemId) {
    var box = el('div', 'cut-note');
    box.appendChild(el('b', null, 'Cut in this report: '));
    box.appendChild(
      document.createTextNode(
        cuts
          .map(function (c) {
            return cutLabel(c.f) + ' (first ' + fmtInt(data.maxChars) + ' of ' + fmtInt(c.n) + ' characters)';
          })
          .join(', ') + '. The whole item is in the store ' + data.store + '; print it with:',
      ),
    );
    box.appendChild(el('code', 'cut-cmd', 'evalh show ' + shellWord(runName) + ' --item ' + shellWord(itemId) + ' --db ' + shellWord(data.store)));
    return box;
  }

  /** The notice for one run's result (runIndex) or, without one, for the item's reference side. */
  function cutNoticeFor(it, runIndex) {
    var cuts = runIndex === undefined ? it.cut : it.r[runIndex] && it.r[runIndex].cut;
    if (!cuts || !cuts.length) return null;
    return cutNotice(cuts, runs[runIndex === undefined ? firstRunWith(it) : runIndex].name, it.id);
  }

  function firstRunWith(it) {
    for (var i = 0; i < it.r.length; i++) if (it.r[i]) return i;
    return 0;
  }

  /**
   * An agent episode, for every agent suite (reports/agentbench*.ts): x.turns = [{role,
   * content}], x.status, x.reason, x.answer, x.evaluation; x.omitted = how many opening turns
   * (the same for every item) the collector left out. The environment's turns (instruction,
   * task, observations) apart from the agent's; a long instruction starts folded.
   */
  function episode(x) {
    var wrap = el('div', 'episode');
    var head = wrap.appendChild(el('h4', null, 'Episode'));
    if (x.status) head.appendChild(el('span', x.status === 'completed' ? 'badge' : 'badge warn', String(x.status).replace(/_/g, ' ')));
    if (x.reason) wrap.appendChild(el('p', 'muted', 'Ended: ' + x.reason));
    if (x.setupError) wrap.appendChild(el('p', 'warn', 'Table setup failed: ' + x.setupError));
    if (x.omitted) wrap.appendChild(el('p', 'muted', 'The instruction and example (' + x.omitted + ' turns, the same for every item) are not repeated here.'));
    var ol = wrap.appendChild(el('ol', 'transcript'));
    var seenTask = false;
    x.turns.forEach(function (t, i) {
      var agent = t.role === 'assistant';
      var li = ol.appendChild(el('li', 'turn ' + (agent ? 'agent' : 'env')));
      if (!x.omitted && i === 0) {
        var det = li.appendChild(el('details'));
        det.appendChild(el('summary', 'who', 'Task instruction'));
        det.appendChild(el('pre', 'output', t.content));
        return;
      }
      var who = agent ? 'Agent' : seenTask ? 'Environment' : 'Task';
      if (!agent) seenTask = true;
      li.appendChild(el('div', 'who', who));
      li.appendChild(el('pre', 'output', t.content === '' ? '(empty)' : t.content));
    });
    if (x.answer !== undefined) wrap.appendChild(el('p', null, 'Answer: ' + (typeof x.answer === 'string' ? x.answer : JSON.stringify(x.answer))));
    if (x.tableMd5) wrap.appendChild(el('p', 'muted', 'Table md5 after the episode ' + x.tableMd5 + (x.expected ? ' · expected ' + x.expected : '')));
    if (x.evaluation) {
      var d = wrap.appendChild(el('details'));
      d.appendChild(el('summary', null, 'Evaluation'));
      d.appendChild(el('pre', 'output', x.evaluation));
    }
    return wrap;
  }

  function runResult(r, it, i) {
    var box = el('div', 'result');
    if (!r) {
      box.appendChild(el('p', 'muted', 'This item is not in this run.'));
      return box;
    }
    var cut = cutNoticeFor(it, i);
    if (cut) box.appendChild(cut);
    if (r.st === 'error') {
      var err = box.appendChild(el('div', 'errbox'));
      err.appendChild(el('b', null, r.ek || 'error'));
      err.appendChild(el('pre', 'error-text', r.e || ''));
      err.appendChild(el('p', 'muted', 'Not scored: no answer was received (an infrastructure error, not a wrong answer).'));
    } else if (r.st === 'skipped') {
      var skip = box.appendChild(el('div', 'errbox'));
      skip.appendChild(el('b', null, 'skipped: ' + (r.ek || 'too_long')));
      skip.appendChild(el('pre', 'error-text', r.e || ''));
      skip.appendChild(el('p', 'muted', 'Not sent and not scored: the prompt is over the input budget (--truncate skip).'));
    } else {
      box.appendChild(el('h4', null, 'Output'));
      if (r.o) box.appendChild(el('pre', 'output', r.o));
      else box.appendChild(el('p', 'muted', '(empty output)'));
      if (r.x && r.x.ne) box.appendChild(el('p', 'warn', r.x.ne + ' (not scored)'));
    }
    if (r.x && Array.isArray(r.x.turns)) box.appendChild(episode(r.x));
    box.appendChild(
      facts(el('dl', 'kv'), [
        ['Score', typeof r.sc === 'number' ? String(r.sc) : r.st === 'error' ? 'not scored' : '—'],
        ['Finish reason', r.fr],
        ['Prompt tokens', r.pt !== undefined ? fmtInt(r.pt) : undefined],
        ['Truncated', r.tt ? fmtInt(r.tt) + ' tokens cut from the prompt' : undefined, 'warn'],
        ['Completion tokens', r.ct !== undefined ? fmtInt(r.ct) : undefined],
        ['Latency', r.ms !== undefined ? fmtMs(r.ms) : undefined],
        ['Attempts', r.a],
        ['Request hash', r.h],
      ]),
    );
    return box;
  }

  function detailRow(idx) {
    if (ab) return abDetailRow(idx);
    if (cd) return cdDetailRow(idx);
    var it = items[idx];
    var tr = el('tr', 'item-detail');
    var td = el('td');
    td.colSpan = columns;
    var wrap = td.appendChild(el('div', 'detail'));
    var ref = el('div', 'reference');
    ref.appendChild(el('h4', null, it.ref.length === 1 ? 'Reference answer' : 'Reference answers (' + it.ref.length + ')'));
    var ol = ref.appendChild(el('ol', 'answers'));
    it.ref.forEach(function (a) {
      ol.appendChild(el('li', null, a));
    });
    var refCut = cutNoticeFor(it);
    if (refCut) ref.appendChild(refCut);
    if (it.cls && it.cls.length) {
      var det = ref.appendChild(el('details'));
      det.appendChild(el('summary', null, 'Classes (' + it.cls.length + ')'));
      det.appendChild(el('p', 'classes', it.cls.join(' · ')));
    }
    ref.appendChild(
      facts(el('dl', 'kv'), [
        ['Dataset', it.d],
        ['Item', it.id],
        ['Source id', it.src],
        ['Length', it.len !== undefined ? fmtInt(it.len) + (it.g ? ' (' + it.g + ')' : '') : undefined],
      ]),
    );
    if (multi) {
      wrap.appendChild(ref);
      var grid = wrap.appendChild(el('div', 'detail-runs'));
      runs.forEach(function (run, i) {
        var card = grid.appendChild(el('div', 'run-card'));
        var head = card.appendChild(el('div', 'run-card-head'));
        var sw = head.appendChild(el('span', 'swatch'));
        sw.style.background = run.color;
        head.appendChild(el('b', null, run.letter + ' '));
        head.appendChild(el('span', 'name', run.name));
        card.appendChild(runResult(it.r[i], it, i));
      });
    } else {
      wrap.classList.add('single');
      wrap.appendChild(runResult(it.r[0], it, 0));
      wrap.appendChild(ref);
    }
    tr.appendChild(td);
    return tr;
  }

  // ---------------------------------------------------------------- AlignBench items
  // Item scores are the judge's 1–10 (−1: the judgment could not be parsed). An item carries
  // x = {q: question, sub: subcategory, dims: dimension set}; a run's result carries
  // x = {j: raw judgment, dm: the rating dict read from it, p: parsed, c: judge cache}.

  var UNPARSEABLE = -1;

  function unparseable(it) {
    for (var i = 0; i < it.r.length; i++) {
      var r = it.r[i];
      if (r && r.st === 'done' && (r.sc === UNPARSEABLE || (r.x && r.x.p === false))) return true;
    }
    return false;
  }
  function fmtJudgeScore(s) {
    return Number.isInteger(s) ? String(s) : String(Math.round(s * 100) / 100);
  }
  function judgeClass(s) {
    return s >= 8 ? 'score full' : s <= 3 ? 'score zero' : 'score part';
  }
  function categoryName(d) {
    return ab.categories[d] ? d + ' · ' + ab.categories[d] : d;
  }

  /** The item table's header, filters and note for AlignBench (the page skeleton is LongBench's). */
  function abSetup() {
    var head = document.querySelector('#items-table thead tr');
    var cells = [];
    function th(cls, text) {
      var e = el('th', cls, text);
      cells.push(e);
      return e;
    }
    th('text w-ds', 'Category');
    if (group) th('text w-sub', group.name);
    th('text w-id', 'Item');
    if (multi) {
      th('text', 'Question');
      runs.forEach(function (run) {
        var e = th('num w-abscore', null);
        e.title = run.name;
        var tag = e.appendChild(el('span', 'runtag'));
        tag.appendChild(el('span', 'swatch')).style.background = run.color;
        tag.appendChild(el('b', null, run.letter));
      });
      th('text', 'Answer (A)');
    } else {
      th('num w-abscore', 'Score');
      th('text', 'Question');
      th('text', 'Answer');
      th('text w-judge', 'Judge');
      th('num w-lat', 'Latency');
    }
    head.replaceChildren.apply(head, cells);

    var ds = document.getElementById('f-dataset');
    if (ds) {
      var label = ds.parentNode;
      if (label.firstChild && label.firstChild.nodeType === 3) label.firstChild.textContent = 'Category ';
      Array.prototype.forEach.call(ds.options, function (o) {
        if (o.value && ab.categories[o.value]) o.textContent = o.textContent.replace(o.value, categoryName(o.value));
        else if (!o.value) o.textContent = 'All categories';
      });
    }
    var below = document.getElementById('f-below1');
    var check = el('label', 'check');
    var box = check.appendChild(el('input'));
    box.type = 'checkbox';
    box.id = 'f-unparseable';
    check.appendChild(document.createTextNode(' Unparseable judgments only'));
    if (below) below.parentNode.replaceWith(check);
    else document.querySelector('.filters').appendChild(check);
    var search = document.getElementById('f-search');
    if (search) search.placeholder = 'Search question, answer, reference, judgment, id, error';
    var sort = document.getElementById('f-sort');
    if (sort && sort.options[0]) sort.options[0].textContent = 'Category order';
    var note = document.querySelector('#items > p.note');
    if (note) {
      note.textContent =
        fmtInt(items.length) + ' items. Click a row to see the question, the model’s answer, the reference answer, the judge’s ratings and its raw judgment. ' +
        'Scores are the judge’s 1–10; “unparseable” is a judgment judge.py cannot read (counted as −1).';
    }
  }

  function abScoreCell(it, i) {
    var td = el('td', 'num');
    var r = it.r[i];
    if (!r) {
      td.appendChild(el('span', 'muted', '—')).title = 'not in this run';
    } else if (r.st === 'error') {
      td.appendChild(el('span', 'badge bad', 'failed')).title = (r.ek || 'error') + ': ' + (r.e || '');
    } else if (typeof r.sc !== 'number') {
      td.appendChild(el('span', 'muted', '—'));
    } else if (r.sc === UNPARSEABLE) {
      td.appendChild(el('span', 'badge warn', 'unparseable')).title = 'the judgment could not be parsed; counted as −1';
    } else {
      var span = td.appendChild(el('span', judgeClass(r.sc), fmtJudgeScore(r.sc)));
      if (i > 0) {
        var a = scoreOf(it, 0);
        if (a !== null && Math.abs(r.sc - a) > 1e-9) span.appendChild(el('span', r.sc > a ? 'arrow up' : 'arrow down', r.sc > a ? ' ▲' : ' ▼'));
      }
    }
    return td;
  }

  function abAnswerCell(r) {
    var td = el('td', 'clip out');
    if (!r) td.appendChild(el('span', 'muted', 'not in this run'));
    else if (r.o) td.textContent = oneLine(r.o, 200);
    else if (r.st === 'error') td.appendChild(el('span', 'err', (r.ek || 'error') + ': ' + oneLine(r.e || '', 160)));
    else td.appendChild(el('span', 'muted', '(empty answer)'));
    return td;
  }

  function abRow(idx) {
    var it = items[idx];
    var x = it.x || {};
    var tr = el('tr', 'item-row');
    tr.tabIndex = 0;
    tr.dataset.index = String(idx);
    tr.dataset.id = it.id;
    tr.setAttribute('aria-expanded', open.has(idx) ? 'true' : 'false');
    if (open.has(idx)) tr.classList.add('open');
    tr.appendChild(el('td', 'ds', it.d)).title = categoryName(it.d);
    if (group) tr.appendChild(el('td', 'grp', it.g || ''));
    tr.appendChild(el('td', 'id', it.id));
    if (multi) {
      tr.appendChild(el('td', 'clip q', oneLine(x.q || '', 160)));
      for (var i = 0; i < runs.length; i++) tr.appendChild(abScoreCell(it, i));
      tr.appendChild(abAnswerCell(it.r[0]));
      return tr;
    }
    var r = it.r[0];
    tr.appendChild(abScoreCell(it, 0));
    tr.appendChild(el('td', 'clip q', oneLine(x.q || '', 160)));
    tr.appendChild(abAnswerCell(r));
    var judge = el('td', 'judge');
    if (!r) judge.appendChild(el('span', 'muted', '—'));
    else if (r.st === 'error') judge.appendChild(el('span', 'err', r.o !== undefined ? 'judge failed' : 'no answer'));
    else if (r.x && r.x.c) judge.appendChild(el('span', 'muted', 'from cache'));
    else judge.appendChild(el('span', 'muted', r.x ? 'judged' : '—'));
    tr.appendChild(judge);
    tr.appendChild(el('td', 'num', r ? fmtMs(r.ms) : '—'));
    return tr;
  }

  /** The dimensions to list for a result: the question type's set in the official order, then any others the judge rated, the overall last. */
  function dimensionRows(it, r) {
    var rated = (r && r.x && r.x.dm) || {};
    var names = ((it.x && it.x.dims) || []).slice();
    Object.keys(rated).forEach(function (k) {
      if (names.indexOf(k) < 0) names.push(k);
    });
    var expected = (it.x && it.x.dims) || [];
    var rank = function (k) {
      var i = expected.indexOf(k) >= 0 ? expected.indexOf(k) : ab.dimensionOrder.indexOf(k);
      return i < 0 ? 1e3 : i;
    };
    var other = function (k) {
      return k === '综合得分' ? 2 : expected.indexOf(k) >= 0 ? 0 : 1;
    };
    names.sort(function (a, b) {
      return other(a) - other(b) || rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
    });
    return names.map(function (k) {
      return { name: k, value: typeof rated[k] === 'number' ? rated[k] : null, expected: expected.indexOf(k) >= 0 };
    });
  }

  function abResult(it, r, i) {
    var box = el('div', multi ? 'ab-result' : 'ab-result single');
    var answer = box.appendChild(el('div', 'ab-answer'));
    answer.appendChild(el('h4', null, 'Model’s answer'));
    if (!r) {
      answer.appendChild(el('p', 'muted', 'This item is not in this run.'));
      return box;
    }
    var cut = cutNoticeFor(it, i);
    if (cut) answer.appendChild(cut);
    if (r.o) answer.appendChild(el('pre', 'output', r.o));
    else if (r.st === 'error') answer.appendChild(el('p', 'muted', 'No answer.'));
    else answer.appendChild(el('p', 'muted', '(empty answer: judged as “None”)'));

    var verdict = box.appendChild(el('div', 'ab-verdict'));
    if (r.st === 'error') {
      var err = verdict.appendChild(el('div', 'errbox'));
      err.appendChild(el('b', null, r.ek || 'error'));
      err.appendChild(el('pre', 'error-text', r.e || ''));
      err.appendChild(
        el(
          'p',
          'muted',
          r.o !== undefined
            ? 'The judge kept failing: the model’s answer is kept (shown here) and the item is not scored. Running the same command again asks the judge again, not the model.'
            : 'Not scored: no answer was received (an infrastructure error, not a wrong answer).',
        ),
      );
    } else {
      var head = verdict.appendChild(el('div', 'ab-overall'));
      head.appendChild(el('span', 'ab-overall-label', 'Overall'));
      if (r.sc === UNPARSEABLE) {
        head.appendChild(el('span', 'badge warn ab-unparseable', 'unparseable'));
        head.appendChild(el('span', 'muted', ' counted as −1'));
      } else if (typeof r.sc === 'number') {
        head.appendChild(el('span', judgeClass(r.sc) + ' ab-overall-value', fmtJudgeScore(r.sc)));
        head.appendChild(el('span', 'muted', ' / 10'));
      }
      if (r.x) head.appendChild(el('span', r.x.c ? 'chip ab-cache cached' : 'chip ab-cache', r.x.c ? 'judgment from the judge cache' : 'judged in this run'));
      var dims = dimensionRows(it, r);
      if (dims.length) {
        var table = verdict.appendChild(el('table', 'ab-dims'));
        var tb = table.appendChild(el('tbody'));
        dims.forEach(function (d) {
          var tr = tb.appendChild(el('tr', d.name === '综合得分' ? 'overall' : d.expected ? null : 'extra'));
          tr.dataset.dim = d.name;
          var name = tr.appendChild(el('th', null, d.name));
          if (ab.dimensions[d.name]) name.appendChild(el('span', 'en', ab.dimensions[d.name]));
          if (!d.expected && d.name !== '综合得分') name.title = 'not in this question type’s dimension set';
          var td = tr.appendChild(el('td', 'num'));
          if (d.value === null) td.appendChild(el('span', 'muted', r.sc === UNPARSEABLE ? '—' : 'not rated'));
          else td.appendChild(el('span', judgeClass(d.value), fmtJudgeScore(d.value)));
        });
      }
      if (r.sc === UNPARSEABLE) {
        verdict.appendChild(
          el('p', 'note', 'judge.py reads the ratings from the last {…} dict on one line with single-quoted keys, or a \'综合得分\': N anywhere; this judgment has neither.'),
        );
      }
      if (r.x && typeof r.x.j === 'string') {
        var det = verdict.appendChild(el('details', 'ab-judgment'));
        if (r.sc === UNPARSEABLE) det.open = true;
        det.appendChild(el('summary', null, 'Raw judgment (' + fmtInt(r.x.j.length) + ' characters)'));
        det.appendChild(el('pre', 'judgment', r.x.j));
      }
    }
    verdict.appendChild(
      facts(el('dl', 'kv'), [
        ['Score', r.st === 'error' ? 'not scored' : r.sc === UNPARSEABLE ? '−1 (unparseable)' : undefined],
        ['Finish reason', r.fr],
        ['Tokens', r.pt !== undefined || r.ct !== undefined ? (r.pt !== undefined ? fmtInt(r.pt) : '—') + ' → ' + (r.ct !== undefined ? fmtInt(r.ct) : '—') : undefined],
        ['Latency', r.ms !== undefined ? fmtMs(r.ms) : undefined],
        ['Attempts', r.a],
        ['Request hash', r.h],
      ]),
    );
    return box;
  }

  function abDetailRow(idx) {
    var it = items[idx];
    var x = it.x || {};
    var tr = el('tr', 'item-detail');
    var td = el('td');
    td.colSpan = columns;
    var wrap = td.appendChild(el('div', 'detail ab-detail'));
    var top = wrap.appendChild(el('div', 'ab-top'));
    var q = top.appendChild(el('div', 'ab-question'));
    q.appendChild(el('h4', null, 'Question'));
    q.appendChild(el('pre', 'question', x.q || ''));
    q.appendChild(
      facts(el('dl', 'kv'), [
        ['Category', categoryName(it.d)],
        ['Subcategory', x.sub],
        ['Question id', it.src],
        ['Item', it.id],
        ['Dimensions', x.dims && x.dims.length ? x.dims.join(' · ') : undefined],
      ]),
    );
    var ref = top.appendChild(el('div', 'ab-reference'));
    ref.appendChild(el('h4', null, 'Reference answer'));
    if (it.ref.length) ref.appendChild(el('pre', 'reference', it.ref[0]));
    else ref.appendChild(el('p', 'muted', '(none)'));
    var abCut = cutNoticeFor(it);
    if (abCut) ref.appendChild(abCut);
    if (multi) {
      var grid = wrap.appendChild(el('div', 'detail-runs'));
      runs.forEach(function (run, i) {
        var card = grid.appendChild(el('div', 'run-card'));
        card.dataset.run = String(i);
        var head = card.appendChild(el('div', 'run-card-head'));
        head.appendChild(el('span', 'swatch')).style.background = run.color;
        head.appendChild(el('b', null, run.letter + ' '));
        head.appendChild(el('span', 'name', run.name));
        card.appendChild(abResult(it, it.r[i], i));
      });
    } else {
      var one = wrap.appendChild(el('div', 'run-card single'));
      one.dataset.run = '0';
      one.appendChild(abResult(it, it.r[0], 0));
    }
    tr.appendChild(td);
    return tr;
  }

  // ---------------------------------------------------------------- code suites (HumanEval-X, NCB)
  // An item carries src = task id / problem id and x = {k: sample index}; a run's result
  // carries x = {ne: not-evaluable reason, p, ph: phase, ec: exit code, to: timed out, log,
  // ex: extraction, prog: the assembled program (HumanEval-X), oc: outcome, fl, code, tests (NCB)}.

  /** passed | failed | noteval | error | null (not in the run). */
  function cdStatus(r) {
    if (!r) return null;
    if (r.st === 'error') return 'error';
    if (r.x && r.x.ne !== undefined) return 'noteval';
    return typeof r.sc === 'number' && r.sc >= 1 ? 'passed' : 'failed';
  }
  function cdAny(it, status) {
    for (var i = 0; i < it.r.length; i++) if (cdStatus(it.r[i]) === status) return true;
    return false;
  }
  var CD_LABEL = { passed: 'passed', failed: 'failed', noteval: 'not evaluable', error: 'no answer' };
  var CD_CLASS = { passed: 'badge ok', failed: 'badge bad', noteval: 'badge warn', error: 'badge bad' };
  function cdBadge(r) {
    var s = cdStatus(r);
    if (s === null) return el('span', 'muted', '—');
    var b = el('span', CD_CLASS[s] + ' cd-status', CD_LABEL[s]);
    b.dataset.status = s;
    if (s === 'noteval') b.title = r.x.ne || '';
    else if (s === 'error') b.title = (r.ek || 'error') + ': ' + (r.e || '');
    return b;
  }

  function cdSetup() {
    var head = document.querySelector('#items-table thead tr');
    var cells = [];
    function th(cls, text) {
      var e = el('th', cls, text);
      cells.push(e);
      return e;
    }
    var hx = cd.suite === 'humaneval-x';
    th('text w-ds', cd.datasetName);
    th('text w-id', hx ? 'Task' : 'Problem');
    th('num w-tries', 'Sample');
    if (multi) {
      runs.forEach(function (run) {
        var e = th('num w-score', null);
        e.title = run.name;
        var tag = e.appendChild(el('span', 'runtag'));
        tag.appendChild(el('span', 'swatch')).style.background = run.color;
        tag.appendChild(el('b', null, run.letter));
      });
      th('text', 'Output (A)');
    } else {
      th('text w-score', 'Result');
      th(hx ? 'text w-tries' : 'text w-judge', hx ? 'Phase' : 'Outcome');
      if (hx) th('text w-tries', 'Timed out');
      th('text', 'Output');
      th('num w-lat', 'Latency');
    }
    head.replaceChildren.apply(head, cells);
    var ds = document.getElementById('f-dataset');
    if (ds) {
      var label = ds.parentNode;
      if (label.firstChild && label.firstChild.nodeType === 3) label.firstChild.textContent = cd.datasetName + ' ';
      if (ds.options[0]) ds.options[0].textContent = hx ? 'All languages' : 'All splits';
      // `overall` is a summary key, not a dataset of any item.
      Array.prototype.slice.call(ds.options).forEach(function (o) {
        if (o.value === 'overall') o.remove();
      });
    }
    var fl = document.getElementById('f-failed');
    if (fl && fl.nextSibling) fl.nextSibling.textContent = ' Failed only';
    var below = document.getElementById('f-below1');
    var check = el('label', 'check');
    var box = check.appendChild(el('input'));
    box.type = 'checkbox';
    box.id = 'f-noteval';
    check.appendChild(document.createTextNode(' Not evaluable only'));
    if (below) below.parentNode.replaceWith(check);
    else document.querySelector('.filters').appendChild(check);
    var search = document.getElementById('f-search');
    if (search) search.placeholder = 'Search code, log, task id, reason';
    var sort = document.getElementById('f-sort');
    if (sort && sort.options[0]) sort.options[0].textContent = hx ? 'Language order' : 'Split order';
    var note = document.querySelector('#items > p.note');
    if (note) {
      note.textContent =
        fmtInt(items.length) + ' samples. Click a row to see the model’s code, ' + (hx ? 'the assembled program, ' : 'the code that was run, ') +
        'and the compiler / runtime output. “Not evaluable”: the sample could not be run here (left out of pass@k, not a failure).';
    }
  }

  function cdOutputCell(r) {
    var td = el('td', 'clip out code-out');
    if (!r) td.appendChild(el('span', 'muted', 'not in this run'));
    else if (r.st === 'error') td.appendChild(el('span', 'err', (r.ek || 'error') + ': ' + oneLine(r.e || '', 160)));
    else if (!r.o) td.appendChild(el('span', 'muted', '(empty output)'));
    else td.textContent = oneLine(r.o, 200);
    return td;
  }

  function cdRow(idx) {
    var it = items[idx];
    var x = it.x || {};
    var tr = el('tr', 'item-row');
    tr.tabIndex = 0;
    tr.dataset.index = String(idx);
    tr.dataset.id = it.id;
    tr.setAttribute('aria-expanded', open.has(idx) ? 'true' : 'false');
    if (open.has(idx)) tr.classList.add('open');
    tr.appendChild(el('td', 'ds', it.d));
    tr.appendChild(el('td', 'id', it.src || it.id)).title = it.id;
    tr.appendChild(el('td', 'num', x.k !== undefined ? x.k : '—'));
    if (multi) {
      for (var i = 0; i < runs.length; i++) {
        var td = el('td', 'num');
        td.dataset.run = String(i);
        td.appendChild(cdBadge(it.r[i]));
        tr.appendChild(td);
      }
      tr.appendChild(cdOutputCell(it.r[0]));
      return tr;
    }
    var r = it.r[0];
    var rs = tr.appendChild(el('td', 'result'));
    rs.appendChild(cdBadge(r));
    var rx = (r && r.x) || {};
    if (cd.suite === 'humaneval-x') {
      tr.appendChild(el('td', 'phase', rx.ph || '—'));
      tr.appendChild(el('td', rx.to ? 'warn' : 'muted', rx.to === undefined ? '—' : rx.to ? 'yes' : 'no'));
    } else {
      tr.appendChild(el('td', 'outcome', rx.oc ? rx.oc.replace(/_/g, ' ') : '—'));
    }
    tr.appendChild(cdOutputCell(r));
    tr.appendChild(el('td', 'num', r ? fmtMs(r.ms) : '—'));
    return tr;
  }

  function cdBlock(parent, title, text, cls, opened) {
    var det = parent.appendChild(el('details', 'cd-block ' + cls));
    if (opened) det.open = true;
    det.appendChild(el('summary', null, title + ' (' + fmtInt(text.length) + ' characters)'));
    det.appendChild(el('pre', cls, text));
    return det;
  }

  function cdResult(it, r, i) {
    var box = el('div', 'result cd-result');
    if (!r) {
      box.appendChild(el('p', 'muted', 'This sample is not in this run.'));
      return box;
    }
    var cut = cutNoticeFor(it, i);
    if (cut) box.appendChild(cut);
    var s = cdStatus(r);
    var x = r.x || {};
    var head = box.appendChild(el('div', 'cd-head'));
    head.appendChild(cdBadge(r));
    if (s === 'error') {
      var err = box.appendChild(el('div', 'errbox'));
      err.appendChild(el('b', null, r.ek || 'error'));
      err.appendChild(el('pre', 'error-text', r.e || ''));
      err.appendChild(el('p', 'muted', 'Not scored: no answer was received (an infrastructure error, not a wrong answer).'));
    }
    if (s === 'noteval') {
      var ne = box.appendChild(el('div', 'errbox soft cd-ne'));
      ne.appendChild(el('b', null, 'Not evaluable here'));
      ne.appendChild(el('pre', 'error-text', x.ne || ''));
      ne.appendChild(el('p', 'muted', 'Left out of pass@k (never counted as a failure).'));
    }
    box.appendChild(
      facts(el('dl', 'kv'), [
        ['Phase', x.ph],
        ['Outcome', x.oc ? x.oc.replace(/_/g, ' ') : undefined],
        ['Failure', x.fl ? x.fl.replace(/_/g, ' ') : undefined],
        ['Exit code', x.ec !== undefined ? String(x.ec) : undefined],
        ['Timed out', x.to === undefined ? undefined : x.to ? 'yes' : 'no', x.to ? 'warn' : null],
        ['Tests', x.tests !== undefined ? (typeof x.tests === 'string' ? x.tests : JSON.stringify(x.tests)) : undefined],
        ['Extraction', x.ex],
        ['Latency', r.ms !== undefined ? fmtMs(r.ms) : undefined],
        ['Attempts', r.a],
      ]),
    );
    if (typeof x.log === 'string') {
      box.appendChild(el('h4', null, cd.suite === 'humaneval-x' ? 'Compiler / runtime output' : 'Test output'));
      box.appendChild(el('pre', 'cd-log', x.log || '(no output)'));
    }
    box.appendChild(el('h4', null, cd.suite === 'humaneval-x' ? 'Model’s code (output)' : 'Model’s response'));
    if (r.o) box.appendChild(el('pre', 'output', r.o));
    else box.appendChild(el('p', 'muted', '(empty output)'));
    if (cd.suite === 'humaneval-x') {
      if (typeof x.prog === 'string') cdBlock(box, 'Assembled program (rebuilt by the report with the suite’s assembleProgram)', x.prog, 'cd-program', false);
      else if (r.o !== undefined) box.appendChild(el('p', 'muted cd-noprog', 'Assembled program: rebuilt by evalh at scoring time, not stored.'));
    } else if (typeof x.code === 'string') {
      cdBlock(box, 'Code that was run (extracted from the response)', x.code, 'cd-code', false);
    }
    return box;
  }

  function cdDetailRow(idx) {
    var it = items[idx];
    var tr = el('tr', 'item-detail');
    var td = el('td');
    td.colSpan = columns;
    var wrap = td.appendChild(el('div', 'detail cd-detail'));
    wrap.appendChild(
      facts(el('dl', 'kv'), [
        [cd.datasetName, it.d],
        [cd.suite === 'humaneval-x' ? 'Task' : 'Problem', it.src],
        ['Sample', it.x && it.x.k !== undefined ? String(it.x.k) : undefined],
        ['Item', it.id],
      ]),
    );
    var cdCut = cutNoticeFor(it);
    if (cdCut) wrap.appendChild(cdCut);
    var grid = wrap.appendChild(el('div', multi ? 'detail-runs' : 'detail-runs single'));
    runs.forEach(function (run, i) {
      if (!multi && i > 0) return;
      var card = grid.appendChild(el('div', multi ? 'run-card' : 'run-card single'));
      card.dataset.run = String(i);
      if (multi) {
        var head = card.appendChild(el('div', 'run-card-head'));
        head.appendChild(el('span', 'swatch')).style.background = run.color;
        head.appendChild(el('b', null, run.letter + ' '));
        head.appendChild(el('span', 'name', run.name));
      }
      card.appendChild(cdResult(it, it.r[i], i));
    });
    tr.appendChild(td);
    return tr;
  }

  var buttons = {
    first: document.getElementById('p-first'),
    prev: document.getElementById('p-prev'),
    next: document.getElementById('p-next'),
    last: document.getElementById('p-last'),
  };

  function render() {
    var total = view.length;
    var pages = Math.max(1, Math.ceil(total / state.size));
    if (state.page >= pages) state.page = pages - 1;
    if (state.page < 0) state.page = 0;
    var start = state.page * state.size;
    var end = Math.min(total, start + state.size);
    var frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) {
      var idx = view[k];
      frag.appendChild(row(idx));
      if (open.has(idx)) frag.appendChild(detailRow(idx));
    }
    if (total === 0) {
      var tr = el('tr', 'empty');
      var td = tr.appendChild(el('td', 'muted', items.length === 0 ? 'This report has no items.' : 'No items match the filters.'));
      td.colSpan = columns;
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    statusEl.textContent =
      total === 0
        ? '0 items' + (items.length ? ' of ' + fmtInt(items.length) : '')
        : 'Items ' + fmtInt(start + 1) + '–' + fmtInt(end) + ' of ' + fmtInt(total) + (total !== items.length ? ' (filtered from ' + fmtInt(items.length) + ')' : '') +
          (pages > 1 ? ' · page ' + fmtInt(state.page + 1) + ' of ' + fmtInt(pages) : '');
    buttons.first.disabled = buttons.prev.disabled = state.page === 0;
    buttons.next.disabled = buttons.last.disabled = state.page >= pages - 1;
  }

  function toggle(tr) {
    var idx = Number(tr.dataset.index);
    if (open.has(idx)) open.delete(idx);
    else open.add(idx);
    render();
    var again = body.querySelector('tr.item-row[data-index="' + idx + '"]');
    if (again) again.focus({ preventScroll: true });
  }

  body.addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr.item-row');
    if (!tr) return;
    var sel = window.getSelection();
    if (sel && !sel.isCollapsed && tr.contains(sel.anchorNode)) return; // selecting text, not opening
    toggle(tr);
  });
  body.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    var tr = ev.target.closest && ev.target.closest('tr.item-row');
    if (!tr || ev.target !== tr) return;
    ev.preventDefault();
    toggle(tr);
  });

  function bind(id, event, fn) {
    var e = document.getElementById(id);
    if (e) e.addEventListener(event, function () {
      fn(e);
      state.page = 0;
      apply();
    });
  }
  bind('f-dataset', 'change', function (e) { state.ds = e.value; });
  bind('f-group', 'change', function (e) { state.g = e.value; });
  bind('f-failed', 'change', function (e) { state.failed = e.checked; });
  bind('f-below1', 'change', function (e) { state.below1 = e.checked; });
  bind('f-changed', 'change', function (e) { state.changed = e.checked; });
  bind('f-unparseable', 'change', function (e) { state.unparseable = e.checked; });
  bind('f-noteval', 'change', function (e) { state.noteval = e.checked; });
  bind('f-sort', 'change', function (e) { state.sort = e.value; });
  bind('p-size', 'change', function (e) { state.size = Number(e.value) || 50; });
  var search = document.getElementById('f-search');
  var timer = 0;
  search.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.q = search.value;
      state.page = 0;
      apply();
    }, 150);
  });
  function go(to) {
    return function () {
      state.page = to();
      render();
    };
  }
  buttons.first.addEventListener('click', go(function () { return 0; }));
  buttons.prev.addEventListener('click', go(function () { return state.page - 1; }));
  buttons.next.addEventListener('click', go(function () { return state.page + 1; }));
  buttons.last.addEventListener('click', go(function () { return Infinity; }));

  // Form controls keep their values across a reload; start from what they show.
  (function restore() {
    var v = function (id) { var e = document.getElementById(id); return e ? e : null; };
    if (v('f-dataset')) state.ds = v('f-dataset').value;
    if (v('f-group')) state.g = v('f-group').value;
    if (v('f-failed')) state.failed = v('f-failed').checked;
    if (v('f-below1')) state.below1 = v('f-below1').checked;
    if (v('f-changed')) state.changed = v('f-changed').checked;
    if (v('f-unparseable')) state.unparseable = v('f-unparseable').checked;
    if (v('f-noteval')) state.noteval = v('f-noteval').checked;
    if (v('f-sort')) state.sort = v('f-sort').value;
    state.size = Number(v('p-size').value) || 50;
    state.q = search.value;
  })();

  apply();
  performance.mark('evalh:table-rendered');
  drawCharts();
  performance.mark('evalh:charts-drawn');
  requestAnimationFrame(function () {
    performance.mark('evalh:ready');
    document.documentElement.setAttribute('data-ready', 'true');
  });
})();
