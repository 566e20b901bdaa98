// Pull uses (an end user's products) as data-file entries.
MATCH (u:EndUser)-[r:USES]->(p:Product)
WITH r, u.id AS user, p.id AS product
ORDER BY user, product
// The relationships in order, then their rows in chunks of $chunk: wide records (the driver decodes them
// three times faster than one record per row) without the whole section as one list of maps in
// the server's heap (that ran out of a 1 GB heap at 1M nodes).
WITH collect(r) AS found
UNWIND range(0, size(found) - 1, $chunk) AS start
RETURN [r IN found[start..start + $chunk] | {
  props: properties(r),
  user: startNode(r).id,
  product: endNode(r).id
}] AS rows
