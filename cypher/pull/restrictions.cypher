// Pull restrictions (with their named parties and their list) as data-file entries.
MATCH (n:Restriction)
OPTIONAL MATCH (n)-[:ON_LIST]->(l:RestrictionList)
RETURN properties(n) AS props, l.id AS list,
       COLLECT { MATCH (n)-[:TARGETS]->(t) WHERE t:Company OR t:EndUser RETURN t.id ORDER BY t.id } AS targets
ORDER BY n.id
