// A finished load completes every earlier interrupted load of the same data (same digest).
MATCH (l:GraphlibTradeLoad {stamp: $stamp})
MATCH (old:GraphlibTradeLoad {digest: l.digest})
WHERE old.state IN ['running', 'interrupted'] AND old.stamp <> l.stamp AND old.started <= l.started
SET old.state = 'completed', old.completed_by = l.stamp
RETURN count(old) AS completed
