// Record a committed batch, in the batch's own transaction (so the journal is exact after a crash).
MATCH (l:GraphlibTradeLoad {stamp: $stamp})
SET l.committed = l.committed + $sent, l.section = $section, l.heartbeat = datetime()
