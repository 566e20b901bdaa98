// Pull lists as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:RestrictionList)
WITH n.id AS id,
     n.name AS name,
     n.affiliates_threshold AS affiliates_threshold,
     n.affiliates_windows AS affiliates_windows,
     n.note AS note
ORDER BY id
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({
  id: id,
  name: name,
  affiliates_threshold: affiliates_threshold,
  affiliates_windows: affiliates_windows,
  note: note
}) AS rows
