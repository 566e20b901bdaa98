// Licences, the restriction each one lifts, its window and what it covers, newest first.
MATCH (l:Licence)-[:LICENSES]->(r:Restriction)
RETURN l.id AS licence, r.id AS restriction, l.valid_from AS valid_from, l.valid_until AS valid_until,
       l.covers AS covers, l.recipients AS recipients, l.suppliers AS suppliers, l.components AS items
ORDER BY l.valid_from DESC
