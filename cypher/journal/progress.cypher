// Record a committed batch, in the batch's own transaction (so the journal is exact after a crash).
// $committed is the absolute count of rows so far, so sending a batch twice counts it once.
MATCH (l:GraphlibTradeLoad {stamp: $stamp})
SET l.committed = $committed, l.section = $section, l.heartbeat = datetime()
