-- The ingestion worker applies a batch of deliveries in one transaction, and its statements
-- update applications several times over (new applications, then their states, in several
-- writes when the batch is cut). Each of those statements refreshed service_environment_states
-- at once, locking the summary rows of its services and environments until the batch committed:
-- concurrent batches touching one service and environment waited for each other's whole batch.
--
-- With `shiplog.defer_fleet_state` set to 'on' in the transaction (SET LOCAL), the trigger only
-- collects the keys it would refresh, and refresh_deferred_service_environment_states() refreshes
-- them once and ends the deferral, just before the commit (lib/fleet/defer-fleet-state.ts). The summary rows are then
-- locked for the end of the transaction only, in one sorted pass, and each is recounted once.
-- The result is the same: a refresh recounts a key from the applications as they are when it
-- runs, and the last refresh of each key now runs after the transaction's last change to it.
CREATE OR REPLACE FUNCTION service_environment_states_applications_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  service_ids integer[];
  environment_ids integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (SELECT DISTINCT service_id, environment_id FROM fleet_new_rows WHERE deleted_at IS NULL) c;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (SELECT DISTINCT service_id, environment_id FROM fleet_old_rows WHERE deleted_at IS NULL) c;
  ELSE
    -- Only the columns the summary reads; the many updates that merely record an observation
    -- (observed_at, images, last deployment) recount nothing.
    SELECT array_agg(c.service_id), array_agg(c.environment_id) INTO service_ids, environment_ids
    FROM (
      SELECT DISTINCT x.service_id, x.environment_id
      FROM fleet_new_rows n
      JOIN fleet_old_rows o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (n.service_id, n.environment_id), (o.service_id, o.environment_id)) AS x(service_id, environment_id)
      WHERE (n.service_id, n.environment_id, n.cluster_id, n.health_status, n.sync_status, n.current_release_id, n.deleted_at IS NULL)
            IS DISTINCT FROM
            (o.service_id, o.environment_id, o.cluster_id, o.health_status, o.sync_status, o.current_release_id, o.deleted_at IS NULL)
    ) c;
  END IF;
  IF service_ids IS NULL THEN
    RETURN NULL;
  END IF;
  IF current_setting('shiplog.defer_fleet_state', true) = 'on' THEN
    PERFORM set_config('shiplog.deferred_service_ids',
      array_cat(coalesce(nullif(current_setting('shiplog.deferred_service_ids', true), '')::integer[], '{}'), service_ids)::text, true);
    PERFORM set_config('shiplog.deferred_environment_ids',
      array_cat(coalesce(nullif(current_setting('shiplog.deferred_environment_ids', true), '')::integer[], '{}'), environment_ids)::text, true);
  ELSE
    PERFORM refresh_service_environment_states(service_ids, environment_ids);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION refresh_deferred_service_environment_states() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  service_ids integer[] := nullif(current_setting('shiplog.deferred_service_ids', true), '')::integer[];
  environment_ids integer[] := nullif(current_setting('shiplog.deferred_environment_ids', true), '')::integer[];
BEGIN
  -- Ends the deferral: a later change in the same transaction is recounted at once again.
  PERFORM set_config('shiplog.defer_fleet_state', 'off', true);
  PERFORM set_config('shiplog.deferred_service_ids', '', true);
  PERFORM set_config('shiplog.deferred_environment_ids', '', true);
  IF service_ids IS NOT NULL THEN
    PERFORM refresh_service_environment_states(service_ids, environment_ids);
  END IF;
END $$;
