// The benchmark's pure-Cypher peer (and a screening query for Neo4j Browser): products and
// end users reachable from the parties restricted on $as_of, written the way a Neo4j user
// would: variable-length paths, DISTINCT between the steps (the parts the parties supply are
// made distinct before the walk up the bills of materials, and the products after it, so the
// planner walks each part's closure breadth first and once).  Restricted parties: named targets
// (companies or end users), everyone located in a restriction's destinations, and affiliates:
// companies owned through a chain of holdings valid on $as_of, each at or above the threshold in
// force (the restriction's own, stored 0 for none; or, for an entry of a list, the list's when the
// list is in $lists_in_force, the lists whose affiliates rule holds on $as_of).  Unlike the tool's
// rule it does not add up several restricted owners' holdings (a test shows the case it misses;
// generated graphs give each company one owner, so there both answers agree).
MATCH (r:Restriction)
WHERE r.effective_from <= $as_of AND (r.effective_until IS NULL OR $as_of <= r.effective_until)
OPTIONAL MATCH (r)-[:ON_LIST]->(l:RestrictionList)
WITH r,
     CASE
       WHEN l IS NOT NULL THEN CASE WHEN l.id IN $lists_in_force THEN l.affiliates_threshold END
       WHEN r.affiliates_threshold IS NULL THEN 0.5
       WHEN r.affiliates_threshold > 0 THEN r.affiliates_threshold
     END AS threshold
CALL {
  WITH r, threshold
  MATCH (r)-[:TARGETS]->(t:Company)
  MATCH chain = (t)-[:OWNS*0..]->(party:Company)
  WHERE size(relationships(chain)) = 0
     OR (threshold IS NOT NULL
         AND all(o IN relationships(chain) WHERE o.share >= threshold
                 AND (o.valid_from IS NULL OR o.valid_from <= $as_of)
                 AND (o.valid_until IS NULL OR $as_of <= o.valid_until)))
  RETURN party
  UNION
  WITH r
  MATCH (r)-[:TARGETS]->(party:EndUser)
  RETURN party
  UNION
  WITH r
  MATCH (party)
  WHERE (party:Company OR party:EndUser) AND party.country IN coalesce(r.destinations, [])
  RETURN party
}
WITH collect(DISTINCT party) AS parties
CALL {
  WITH parties
  UNWIND parties AS party
  MATCH (party)-[:MAKES]->(product:Product)
  RETURN collect(DISTINCT product) AS made
}
CALL {
  WITH parties
  UNWIND parties AS party
  MATCH (party)-[:SUPPLIES]->(part:Component)
  WITH DISTINCT part
  MATCH (part)-[:PART_OF*]->(product:Product)
  WITH DISTINCT product
  RETURN collect(product) AS fed
}
WITH parties, made + fed AS reached
UNWIND CASE WHEN size(reached) = 0 THEN [null] ELSE reached END AS product
OPTIONAL MATCH (user:EndUser)-[:USES]->(product)
WITH parties, collect(DISTINCT product.id) AS products, collect(DISTINCT user.id) AS users
WITH products, users, [p IN parties WHERE p:EndUser | p.id] AS listed
RETURN products, [u IN users WHERE NOT u IN listed] + listed AS end_users
