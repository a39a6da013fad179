// Holdfast web console: live updates. The pages are rendered on the server; this script only fetches a
// fragment again (the element's data-live URL) every data-every ms, and, with data-events, soon after an event
// relayed from the controllers' streams. No inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  'use strict';

  function refresher(el) {
    var url = el.getAttribute('data-live');
    var busy = false, again = false, timer = null;
    function refresh() {
      if (busy) { again = true; return; }
      busy = true;
      fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {
        if (r.status === 401) { window.location.href = '/login'; return null; }
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (html !== null && html !== undefined) {
          el.innerHTML = html; // server-rendered, every value escaped there
          el.setAttribute('data-updated', String(Date.now()));
        }
      }).catch(function () { /* the console is away: next time */ }).finally(function () {
        busy = false;
        if (again) { again = false; soon(); }
      });
    }
    function soon() {
      if (timer) return;
      timer = setTimeout(function () { timer = null; refresh(); }, 200);
    }
    return {refresh: refresh, soon: soon};
  }

  document.querySelectorAll('[data-live]').forEach(function (el) {
    var r = refresher(el);
    var every = parseInt(el.getAttribute('data-every') || '0', 10);
    if (every > 0) setInterval(r.refresh, every);
    var events = el.getAttribute('data-events');
    if (events && window.EventSource) {
      var source = new EventSource(events);
      source.onmessage = function (m) {
        var e;
        try { e = JSON.parse(m.data); } catch (x) { return; }
        if (e.kind === 'session-ended') {
          source.close();
          r.refresh(); // answered 401: to the login page
          return;
        }
        el.setAttribute('data-last-event', String(e.controller) + ' ' + String(e.kind));
        r.soon();
      };
      source.onerror = function () {
        // the browser reconnects by itself; a session that ended makes the fetch above go to the login page
      };
      el.setAttribute('data-streaming', 'true');
    }
  });
})();
