/*
 * Stands in for Material's search worker (see search.js). Material sends SETUP (0) with its
 * own index, which is empty here; answering READY (1) lets its search box work as usual. QUERY
 * (2) is ignored: no RESULT (3) is ever sent, so Material never draws into the result list.
 */
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === 0) self.postMessage({ type: 1 });
});
