// Load BOM entries of products: (:Component)-[:PART_OF {required, alternatives}]->(:Product).
UNWIND $rows AS row
MATCH (c:Component {id: row.component}), (p:Product {id: row.parent})
MERGE (c)-[r:PART_OF]->(p)
SET r += row.props, r.load_stamp = $stamp
