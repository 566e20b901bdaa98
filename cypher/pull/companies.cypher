// Pull companies as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Company)
WITH n ORDER BY n.id
// The nodes in order, then their rows in chunks of $chunk: wide records (the driver decodes them
// three times faster than one record per row) without the whole section as one list of maps in
// the server's heap (that ran out of a 1 GB heap at 1M nodes).
WITH collect(n) AS found
UNWIND range(0, size(found) - 1, $chunk) AS start
RETURN [n IN found[start..start + $chunk] | {
  id: n.id,
  name: n.name,
  country: n.country,
  note: n.note
}] AS rows
