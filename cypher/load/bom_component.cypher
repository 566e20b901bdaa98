// Load BOM entries of components: (:Component)-[:PART_OF {required, alternatives}]->(:Component).
UNWIND $rows AS row
MATCH (c:Component {id: row.component}), (p:Component {id: row.parent})
MERGE (c)-[r:PART_OF]->(p)
SET r += row.props, r.load_stamp = $stamp
