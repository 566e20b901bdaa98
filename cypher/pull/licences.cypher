// Pull licences (with the restriction each lifts) as data-file entries.
MATCH (n:Licence)
OPTIONAL MATCH (n)-[:LICENSES]->(r:Restriction)
RETURN properties(n) AS props, r.id AS restriction
ORDER BY n.id
