// Country-wide controls: each restriction with destinations, its item scope, and the companies
// and end users located there (by country), every one of them a restricted party.
MATCH (r:Restriction)
WHERE size(coalesce(r.destinations, [])) > 0
MATCH (x)
WHERE (x:Company OR x:EndUser) AND x.country IN r.destinations
RETURN r.id AS restriction, r.destinations AS destinations, r.items AS items,
       collect(x.id) AS located
ORDER BY restriction
