// Pull companies as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Company)
RETURN n.id AS id,
       n.name AS name,
       n.country AS country,
       n.note AS note
ORDER BY id
