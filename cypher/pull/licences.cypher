// Pull licences (with the restriction each lifts) as data-file entries.
MATCH (n:Licence)
OPTIONAL MATCH (n)-[:LICENSES]->(r:Restriction)
RETURN n.id AS id, r.id AS restriction, n.name AS name, n.recipients AS recipients,
       n.suppliers AS suppliers, n.components AS components, n.covers AS covers,
       n.valid_from AS valid_from, n.valid_until AS valid_until, n.note AS note
ORDER BY id
