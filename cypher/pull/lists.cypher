// Pull lists as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:RestrictionList)
RETURN n.id AS id,
       n.name AS name,
       n.affiliates_threshold AS affiliates_threshold,
       n.affiliates_windows AS affiliates_windows,
       n.note AS note
ORDER BY id
