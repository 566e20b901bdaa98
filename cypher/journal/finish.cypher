// Close a load's journal entry ('done' or 'failed').
MATCH (l:GraphlibTradeLoad {stamp: $stamp})
SET l.state = $state, l.finished = datetime(), l.heartbeat = datetime()
