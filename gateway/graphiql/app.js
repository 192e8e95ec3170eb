/* GraphiQL for the region graph: every asset comes from this gateway (no CDN). */
/* global React, ReactDOM, GraphiQL */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).toString() });
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
    }),
  );
})();
