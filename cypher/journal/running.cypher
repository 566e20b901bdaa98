// Loads still running or interrupted, with the seconds since their last committed batch, and
// how many entries the journal holds (a reader compares both before and after it reads).
OPTIONAL MATCH (entry:GraphlibTradeLoad)
WITH count(entry) AS entries
OPTIONAL MATCH (l:GraphlibTradeLoad)
WHERE l.state IN ['running', 'interrupted']
WITH entries, l ORDER BY l.started
RETURN entries, [x IN collect({
  stamp: l.stamp, state: l.state, source: l.source, replace: l.replace, rows: l.rows,
  committed: l.committed, section: l.section, started: toString(l.started),
  stale_after: coalesce(l.stale_after, 120),
  idle: duration.inSeconds(l.heartbeat, datetime()).seconds
}) WHERE x.stamp IS NOT NULL] AS running
