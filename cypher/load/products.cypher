// Load products and who makes them: (:Company)-[:MAKES]->(:Product).
UNWIND $rows AS row
MERGE (n:Product {id: row.id})
SET n += row.props, n.load_stamp = $stamp
WITH n, row
MATCH (maker:Company {id: row.maker})
MERGE (maker)-[r:MAKES]->(n)
SET r.load_stamp = $stamp
