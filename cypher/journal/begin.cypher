// Open a load's journal entry.  Readers check the journal so they never read half a load,
// and an interrupted load leaves its entry 'running' with the rows it committed.  A loader
// that has committed nothing for `stale_after` seconds (its retry time and a margin) is gone.
CREATE (:GraphlibTradeLoad {
  stamp: $stamp, digest: $digest, source: $source, replace: $replace,
  rows: $rows, committed: 0, section: '', state: 'running', stale_after: $stale_after,
  started: datetime(), heartbeat: datetime()
})
