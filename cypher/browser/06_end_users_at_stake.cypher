// End users by status (from the last write-back), with the products that cause it.
MATCH (u:EndUser)
WHERE u.impact_status IS NOT NULL AND u.impact_status <> 'ok'
RETURN u.id AS end_user, u.name AS name, u.impact_status AS status, u.impact_via AS via,
       u.impact_as_of AS as_of
ORDER BY CASE u.impact_status WHEN 'blocked' THEN 0 WHEN 'exposed' THEN 1 WHEN 'degraded' THEN 2
         WHEN 'at_risk' THEN 3 ELSE 4 END, end_user
