// The whole multi-tier supply chain of one product.  Set the product first, e.g.
//   :param product => 'p30-pro'
MATCH path = (s:Company)-[:SUPPLIES]->(:Component)-[:PART_OF*1..8]->(p:Product {id: $product})
RETURN path
