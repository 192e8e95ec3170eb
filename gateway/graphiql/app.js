/* GraphiQL for the region graph: every asset comes from this gateway (no CDN). */
/* global React, ReactDOM, GraphiQL */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);

  // The demo identity picker (development identity provider only): the chosen
  // user's token is fetched from the gateway and sent as Authorization: Bearer.
  var picker = config.identity ? document.getElementById('identity') : null;
  var status = document.getElementById('identity-status');
  var STORAGE_KEY = 'region-graph.identity';
  var cached = { as: '', token: null, expiresAt: 0 };

  function show(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.className = isError ? 'error' : '';
  }

  function tokenFor(as) {
    if (!as) return Promise.resolve(null);
    // A minute's margin, so a token does not expire on its way.
    if (cached.as === as && cached.token && cached.expiresAt - Date.now() > 60000) return Promise.resolve(cached.token);
    var url = new URL(config.identity.tokenEndpoint, window.location.href);
    url.searchParams.set('as', as);
    return window
      .fetch(url.toString(), { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('no token for ' + as + ' (HTTP ' + res.status + ')');
        return res.json();
      })
      .then(function (body) {
        cached = { as: as, token: body.token, expiresAt: Date.parse(body.expiresAt) };
        show('token until ' + new Date(cached.expiresAt).toLocaleTimeString(), false);
        return body.token;
      })
      .catch(function (err) {
        show(String(err.message || err), true);
        throw err;
      });
  }

  if (picker) {
    try {
      var saved = window.sessionStorage.getItem(STORAGE_KEY);
      if (saved !== null && picker.querySelector('option[value="' + CSS.escape(saved) + '"]')) picker.value = saved;
    } catch {
      /* storage may be off; the picker still works */
    }
    picker.addEventListener('change', function () {
      try {
        window.sessionStorage.setItem(STORAGE_KEY, picker.value);
      } catch {
        /* ignore */
      }
      show('', false);
      if (picker.value) tokenFor(picker.value).catch(function () {});
    });
    if (picker.value) tokenFor(picker.value).catch(function () {});
  }

  function hasAuthorization(headers) {
    return Object.keys(headers).some(function (k) {
      return k.toLowerCase() === 'authorization';
    });
  }

  // Every request GraphiQL sends (introspection too) carries the picked identity's token,
  // unless the headers tab sets an Authorization header of its own.
  function authorizedFetch(input, init) {
    var options = Object.assign({}, init);
    var headers = Object.assign({}, options.headers);
    var as = picker ? picker.value : '';
    if (!as || hasAuthorization(headers)) return window.fetch(input, options);
    return tokenFor(as).then(function (token) {
      headers.Authorization = 'Bearer ' + token;
      options.headers = headers;
      return window.fetch(input, options);
    });
  }

  // Each saved example says in its first line which demo user it is for
  // ("# Sign in as: citizen …"); opening such a tab signs in as that user, so
  // an example runs as the identity it was written for. Only on a change of
  // tab, so a user picked by hand stays while one works in the same tab.
  var SIGN_IN_AS = /^# Sign in as: ([\w-]+)/;
  var activeTabId = null;
  function onTabChange(state) {
    var tab = state.tabs[state.activeTabIndex];
    if (!picker || !tab || tab.id === activeTabId) return;
    activeTabId = tab.id;
    var m = SIGN_IN_AS.exec(tab.query || '');
    if (!m || m[1] === picker.value || !picker.querySelector('option[value="' + CSS.escape(m[1]) + '"]')) return;
    picker.value = m[1];
    picker.dispatchEvent(new Event('change'));
  }

  var fetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).toString(), fetch: authorizedFetch });
  var tabs = config.examples.map(function (example) {
    var tab = { query: example.query };
    if (example.variables) tab.variables = JSON.stringify(example.variables, null, 2);
    return tab;
  });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      defaultQuery: tabs.length > 0 ? tabs[0].query : undefined,
      shouldPersistHeaders: false,
      onTabChange: onTabChange,
    }),
  );
})();
