// Pull restrictions as data-file entries: one column per property of the model
// (tests/test_cypher_safety.py checks the columns against models/properties.py).
MATCH (n:Restriction)
OPTIONAL MATCH (n)-[:ON_LIST]->(l:RestrictionList)
WITH n.id AS id,
     n.name AS name,
     n.authority AS authority,
     l.id AS list,
     COLLECT { MATCH (n)-[:TARGETS]->(t) WHERE t:Company OR t:EndUser RETURN t.id ORDER BY t.id } AS targets,
     n.destinations AS destinations,
     n.origins AS origins,
     n.items AS items,
     n.de_minimis AS de_minimis,
     n.affiliates_threshold AS affiliates_threshold,
     n.foreign_direct_product AS foreign_direct_product,
     n.fdpr_items AS fdpr_items,
     n.fdpr_scope AS fdpr_scope,
     n.denial AS denial,
     n.review_policy AS review_policy,
     n.effective_from AS effective_from,
     n.effective_until AS effective_until,
     n.note AS note
ORDER BY id
// One wide record (fewer, wider records: the driver decodes them three times faster).
RETURN collect({
  id: id,
  name: name,
  authority: authority,
  list: list,
  targets: targets,
  destinations: destinations,
  origins: origins,
  items: items,
  de_minimis: de_minimis,
  affiliates_threshold: affiliates_threshold,
  foreign_direct_product: foreign_direct_product,
  fdpr_items: fdpr_items,
  fdpr_scope: fdpr_scope,
  denial: denial,
  review_policy: review_policy,
  effective_from: effective_from,
  effective_until: effective_until,
  note: note
}) AS rows
