// Whether the database holds any node at all, of any label (a bulk import needs an empty one).
OPTIONAL MATCH (n)
WITH n LIMIT 1
RETURN n IS NOT NULL AS any
