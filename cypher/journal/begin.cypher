// Open a load's journal entry.  Readers check the journal so they never read half a load,
// and an interrupted load leaves its entry 'running' with the rows it committed.
CREATE (:GraphlibTradeLoad {
  stamp: $stamp, digest: $digest, source: $source, replace: $replace,
  rows: $rows, committed: 0, section: '', state: 'running',
  started: datetime(), heartbeat: datetime()
})
