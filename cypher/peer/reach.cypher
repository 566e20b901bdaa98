// The benchmark's pure-Cypher peer (and a screening query for Neo4j Browser): products and
// end users reachable from the parties restricted on $as_of, written the way a Neo4j user
// would: variable-length paths, DISTINCT between the steps.  Affiliates are companies owned
// through a chain of holdings each at or above the restriction's threshold; unlike the tool's
// 50% rule it does not add up several restricted owners' holdings (a test shows the case it misses;
// generated graphs give each company one owner, so there both answers agree).
MATCH (r:Restriction)-[:TARGETS]->(t:Company)
WHERE r.effective_from <= $as_of AND (r.effective_until IS NULL OR $as_of <= r.effective_until)
MATCH chain = (t)-[:OWNS*0..]->(party:Company)
WHERE all(o IN relationships(chain) WHERE o.share >= r.affiliates_threshold)
WITH DISTINCT party
CALL {
  WITH party
  MATCH (party)-[:MAKES]->(product:Product)
  RETURN product
  UNION
  WITH party
  MATCH (party)-[:SUPPLIES]->(:Component)-[:PART_OF*]->(product:Product)
  RETURN product
}
WITH DISTINCT product
OPTIONAL MATCH (user:EndUser)-[:USES]->(product)
RETURN collect(DISTINCT product.id) AS products, collect(DISTINCT user.id) AS end_users
