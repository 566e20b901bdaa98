// Pull products as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Product)
OPTIONAL MATCH (maker:Company)-[:MAKES]->(n)
RETURN n.id AS id,
       n.name AS name,
       maker.id AS maker,
       n.lifecycle AS lifecycle,
       n.origin AS origin,
       n.us_content AS us_content,
       n.eccn AS eccn,
       n.publicly_available AS publicly_available,
       n.us_direct_product AS us_direct_product,
       n.units AS units,
       n.value AS value,
       n.note AS note
ORDER BY id
