/**
 * The dashboard's browser code: polls `/status.json` and redraws with DOM nodes (text goes in
 * through textContent, so job errors can never inject markup). Plain ES2020, no build step.
 * Kept free of template literals so it can live inside this TS string.
 */
export const dashboardScript = `
(function () {
  // Polls every POLL_MS; after failures, twice as long each time up to MAX_WAIT_MS (a tab left open
  // on an ingest that is down, or refusing its key, asks once every 12 s, not every 1.5 s).
  // A poll without an answer in TIMEOUT_MS (a hung process, a dropped network) fails like any other:
  // the page said 'live' over numbers that had stopped moving. Above status.json's own broker bound (5 s).
  var POLL_MS = 1500, MAX_WAIT_MS = 12000, TIMEOUT_MS = 10000, HISTORY = 40; var fails = 0;
  // Keyed by queue name, and 'constructor' or 'toString' is one: no prototype to find them on.
  var depthHistory = Object.create(null); var lastOk = 0; var timer; var polling = false; var again = false;
  // #key=<key>: the rest of the fragment, as pasted (a key may hold '&' or a '%' that is no escape:
  // decodeURIComponent threw on it and the page never started) or percent-encoded.
  // Read at load and on a hash change (a #key= link opened over the open page does not reload it).
  function keyFromHash() {
    var key = (location.hash.match(/(?:^#|&)key=(.+)$/) || [])[1];
    if (!key) return false;
    try { key = decodeURIComponent(key); } catch (e) {}
    localStorage.setItem('warren.key', key); window.history.replaceState(null, '', location.pathname);
    return true;
  }
  keyFromHash();
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (attrs[k] != null) n.setAttribute(k, attrs[k]); }
    (kids || []).forEach(function (c) { if (c == null) return; n.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c))); });
    return n;
  }
  function svg(tag, attrs) { var n = document.createElementNS('http://www.w3.org/2000/svg', tag); for (var k in attrs) n.setAttribute(k, attrs[k]); return n; }
  function fmt(n, d) { if (n == null) return '—'; if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M'; if (n >= 1e4) return (n / 1e3).toFixed(1) + 'k'; return Number(n.toFixed(d == null ? 0 : d)).toLocaleString(); }
  function rate(n) { return n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n > 0 ? n.toFixed(2) : '0'; }
  function ms(n) { if (n == null) return '—'; if (n < 0.1) return '< 0.1 ms'; if (n >= 1000) return (n / 1000).toFixed(2) + ' s'; return (n >= 10 ? n.toFixed(0) : n.toFixed(1)) + ' ms'; }
  function ago(iso) { var s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000); return s < 60 ? Math.round(s) + 's ago' : s < 3600 ? Math.round(s / 60) + 'm ago' : Math.round(s / 3600) + 'h ago'; }
  function circuit(r) {
    // The circuit learns only from publishes: a region no job went to keeps it closed, broker down or not.
    if (r.connected === false) return { cls: 'bad', text: 'broker down' };
    if (r.state === 'open') return { cls: 'bad', text: 'circuit open' };
    if (r.state === 'half-open') return { cls: 'warn', text: 'probing' };
    if (r.slow) return { cls: 'warn', text: 'slow' };
    return { cls: 'ok', text: 'healthy' };
  }
  function replace(id, node) { var t = document.getElementById(id); t.replaceChildren(node); }
  function setText(id, v) { document.getElementById(id).textContent = v; }
  function kv(pairs) { return el('div', { class: 'kv' }, pairs.map(function (p) { return el('div', null, [el('div', { class: 'v' }, [p[1]]), el('div', { class: 'k' }, [p[0]])]); })); }
  function spark(values) {
    var w = 220, h = 44, max = Math.max.apply(null, values.concat([1]));
    var s = svg('svg', { class: 'spark', viewBox: '0 0 ' + w + ' ' + h, preserveAspectRatio: 'none' });
    if (values.length < 2) return s;
    var pts = values.map(function (v, i) { return [(i / (values.length - 1)) * w, h - 2 - (v / max) * (h - 6)]; });
    var d = 'M' + pts.map(function (p) { return p[0].toFixed(1) + ' ' + p[1].toFixed(1); }).join(' L');
    s.appendChild(svg('path', { class: 'area', d: d + ' L' + w + ' ' + h + ' L' + pts[0][0].toFixed(1) + ' ' + h + ' Z' }));
    s.appendChild(svg('path', { class: 'line', d: d }));
    return s;
  }
  function render(s) {
    setText('home', 'region ' + s.region);
    var backlog = 0, inRate = 0, doneRate = 0, failed = 0, workers = 0;
    // A queue whose depth the broker did not give (null) has no advice either: totals over it are unknown too.
    s.queues.forEach(function (q) { backlog = backlog == null || q.depth == null ? null : backlog + q.depth; inRate += q.rates.enqueued; doneRate += q.rates.succeeded + q.rates.failed; failed += q.totals.failed; workers = workers == null || q.scaling.recommendedWorkers == null ? null : workers + q.scaling.recommendedWorkers; });
    setText('t-backlog', fmt(backlog)); setText('t-in', rate(inRate)); setText('t-out', rate(doneRate));
    setText('t-failed', fmt(failed)); setText('t-workers', fmt(workers));

    setText('n-regions', s.regions.length);
    replace('regions', el('div', { class: 'grid' }, s.regions.map(function (r) {
      var c = circuit(r);
      return el('div', { class: 'card region', 'data-region': r.id, 'data-state': r.state, 'data-connected': r.connected == null ? null : String(r.connected) }, [
        el('div', { class: 'bar ' + c.cls }),
        el('div', { class: 'card-head' }, [el('span', { class: 'card-title' }, [r.id]), r.home ? el('span', { class: 'pill' }, ['home']) : null, el('span', { class: 'spacer' }), el('span', { class: 'pill ' + c.cls }, [c.text])]),
        kv([['confirm (ewma)', ms(r.confirmLatencyMs)], ['circuit', r.state], ['failures', fmt(r.failures)]])
      ]);
    })));

    setText('n-queues', s.queues.length);
    replace('queues', s.queues.length ? el('div', { class: 'grid queues' }, s.queues.map(function (q) {
      // An unknown depth is no point on the line (as 0 it drew the queue emptying in an outage).
      var h = depthHistory[q.name] = (depthHistory[q.name] || []).concat(q.depth == null ? [] : [q.depth]).slice(-HISTORY);
      var lvl = q.depth > 0 && !q.consumers ? 'warn' : q.rates.failed > 0 ? 'bad' : 'ok';
      return el('div', { class: 'card queue', 'data-queue': q.name }, [
        el('div', { class: 'bar ' + lvl }),
        el('div', { class: 'card-head' }, [el('span', { class: 'card-title' }, [q.name]), el('span', { class: 'spacer' }),
          // From the broker: letters every process left, also before this one started (totals are its own).
          q.deadLetters ? el('span', { class: 'pill bad', 'data-dead-letters': q.deadLetters }, [fmt(q.deadLetters) + ' in DLQ']) : null,
          el('span', { class: 'pill ' + (q.consumers ? 'ok' : 'warn') }, [q.consumers == null ? 'consumers ?' : q.consumers + (q.consumers === 1 ? ' consumer' : ' consumers')])]),
        el('div', { class: 'depth' }, [el('div', null, [el('div', { class: 'label' }, ['depth']), el('div', { class: 'big', 'data-depth': q.depth == null ? '' : q.depth }, [fmt(q.depth)])]), spark(h)]),
        kv([['in / s', rate(q.rates.enqueued)], ['done / s', rate(q.rates.succeeded)], ['failed / s', rate(q.rates.failed)],
            ['mean run', ms(q.meanDurationMs)], ['workers needed', fmt(q.scaling.recommendedWorkers)], ['ok / failed', fmt(q.totals.succeeded) + ' / ' + fmt(q.totals.failed)]])
      ]);
    })) : el('div', { class: 'card empty' }, ['No queues reported']));

    setText('n-links', s.links.length);
    replace('links', el('div', { class: 'card table' }, [s.links.length ? el('table', null, [
      el('thead', null, [el('tr', null, [el('th', null, ['link']), el('th', null, ['route']), el('th', null, ['state']), el('th', { class: 'num' }, ['forwarded']), el('th', { class: 'num' }, ['in flight']), el('th', { class: 'num' }, ['lag'])])]),
      el('tbody', null, s.links.map(function (l) {
        var st = l.state || 'running';
        return el('tr', null, [el('td', null, [el('b', null, [l.name])]), el('td', { class: 'mono muted' }, [l.source + ' → ' + l.destination]),
          el('td', null, [el('span', { class: 'pill ' + (st === 'running' ? 'ok' : st === 'stopped' ? 'bad' : 'warn') }, [st])]),
          el('td', { class: 'num' }, [fmt(l.forwarded)]), el('td', { class: 'num' }, [fmt(l.inFlight)]),
          el('td', { class: 'num' }, [fmt(l.lag) + (l.lagSeconds != null ? ' · ' + l.lagSeconds.toFixed(1) + ' s' : '')])]);
      }))
    ]) : el('div', { class: 'empty' }, ['No forwarder links in this process'])]));

    // The table shows the newest SHOWN of the (up to 50) listed: the heading says so.
    var SHOWN = 12, listed = s.recentFailures.length;
    setText('n-failures', listed > SHOWN ? SHOWN + ' of ' + listed : listed);
    var letters = s.queues.reduce(function (n, q) { return n + (q.deadLetters || 0); }, 0);
    replace('failures', el('div', { class: 'card table' }, [s.recentFailures.length ? el('table', null, [
      el('thead', null, [el('tr', null, [el('th', null, ['when']), el('th', null, ['task']), el('th', null, ['job']), el('th', null, ['attempt']), el('th', null, ['outcome']), el('th', null, ['error'])])]),
      el('tbody', null, s.recentFailures.slice(0, SHOWN).map(function (f) {
        return el('tr', null, [el('td', { class: 'muted', title: f.at }, [ago(f.at)]), el('td', null, [el('b', null, [f.task]), el('div', { class: 'muted' }, [f.queue])]),
          el('td', { class: 'mono muted', title: f.jobId }, ['…' + f.jobId.slice(-12)]), el('td', null, [f.attempt + ' / ' + f.maxAttempts]),
          el('td', null, [el('span', { class: 'pill ' + (f.outcome === 'retried' ? 'warn' : 'bad') }, [f.outcome === 'failed' ? 'dead-lettered' : f.outcome === 'expired' ? 'expired' : 'retrying'])]),
          el('td', { class: 'err' }, [el('b', null, [f.error.type + ': ']), f.error.message])]);
      }))
    ]) : el('div', { class: 'empty' }, [letters ? 'No failures seen by this process since it started; ' + fmt(letters) + ' dead-lettered jobs wait in the DLQs (warren dlq list <queue>)' : 'No failures — all quiet'])]));
  }
  function wait() { return Math.min(MAX_WAIT_MS, POLL_MS * Math.pow(2, fails)); }
  // One poll at a time: a tick while one is out (the key form submitted twice) asks that one to
  // poll again when it ends; two loops each rescheduled themselves, doubling the requests for good.
  function tick() {
    clearTimeout(timer);
    if (polling) { again = true; return; }
    polling = true;
    var headers = {}; var k = localStorage.getItem('warren.key'); if (k) headers.authorization = 'Bearer ' + k;
    var ctl = new AbortController(); var limit = setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    fetch('status.json', { headers: headers, cache: 'no-store', signal: ctl.signal }).then(function (res) {
      var banner = document.getElementById('banner');
      if (res.status === 401 || res.status === 403) { banner.className = 'banner show'; document.getElementById('banner-text').textContent = res.status === 401 ? (k ? 'This ingest refused the API key this page holds: enter another.' : 'This ingest needs an API key to show its status.') : 'This API key is limited to some tasks: the status needs a key without a task limit.'; document.getElementById('keyform').style.display = 'flex'; fails++; return; }
      if (!res.ok) throw new Error('status.json answered ' + res.status);
      return res.json().then(function (s) { fails = 0; banner.className = 'banner'; lastOk = Date.now(); render(s); document.body.setAttribute('data-ready', '1'); });
    }).catch(function (e) {
      var b = document.getElementById('banner'); b.className = 'banner show'; fails++; document.getElementById('banner-text').textContent = 'Cannot reach the status endpoint: ' + (ctl.signal.aborted ? 'no answer within ' + TIMEOUT_MS / 1000 + ' s' : e.message) + ' (trying again in ' + Math.round(wait() / 1000) + ' s)';
    }).finally(function () { clearTimeout(limit); polling = false; timer = setTimeout(tick, again ? 0 : wait()); again = false; });
  }
  setInterval(function () {
    var age = lastOk ? (Date.now() - lastOk) / 1000 : Infinity;
    document.getElementById('live-dot').className = 'dot' + (age > 5 ? ' stale' : '');
    setText('live-text', lastOk ? 'live · updated ' + age.toFixed(age < 10 ? 1 : 0) + 's ago' : 'connecting…');
  }, 250);
  window.addEventListener('hashchange', function () { if (keyFromHash()) tick(); });
  document.getElementById('keyform').addEventListener('submit', function (ev) {
    ev.preventDefault(); localStorage.setItem('warren.key', document.getElementById('key').value.trim()); tick();
  });
  tick();
})();
`;
