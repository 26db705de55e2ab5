// Herald console: pages that refresh themselves swap the element #live with the same page's
// fresh copy; forms with data-confirm ask before they change anything.
(function () {
  var live = document.getElementById('live');
  var every = live && Number(live.getAttribute('data-refresh'));
  if (live && every > 0) {
    setInterval(function () {
      fetch(window.location.href, { headers: { 'X-Fragment': 'live' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          live.innerHTML = html;
          live.setAttribute('data-refreshed', String(Date.now()));
        })
        .catch(function () { /* the next round tries again */ });
    }, every * 1000);
  }
  document.addEventListener('submit', function (e) {
    var question = e.target.getAttribute('data-confirm');
    if (question && !window.confirm(question)) { e.preventDefault(); }
  });
  var all = document.getElementById('select-all');
  if (all) {
    all.addEventListener('change', function () {
      document.querySelectorAll('input[name=ref]').forEach(function (c) { c.checked = all.checked; });
    });
  }
})();
