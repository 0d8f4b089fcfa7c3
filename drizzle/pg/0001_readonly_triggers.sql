-- Mirror tables are read-only: only the sync may write them. The sync marks its own transactions
-- with SELECT set_config('stash_mirror.sync_writer', 'on', true), a transaction-local setting no
-- other session or later transaction sees; every other INSERT, UPDATE, DELETE or TRUNCATE is
-- refused. Statement-level triggers, so a bulk write by the sync costs one check, not one per row.
-- stash_sync_writer (SQLite's mechanism) exists here only because the schema is one definition;
-- PostgreSQL never uses it.
CREATE FUNCTION stash_mirror_refuse_write() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF current_setting('stash_mirror.sync_writer', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION '% is read-only: only the Stash sync writes the mirror', TG_TABLE_NAME;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "stash_performers_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_performers"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_tags_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_tags"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_tag_parents_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_tag_parents"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_scenes_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_scenes"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_scene_performers_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_scene_performers"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_scene_tags_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_scene_tags"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_scene_markers_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_scene_markers"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_scene_marker_tags_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_scene_marker_tags"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_sync_runs_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_sync_runs"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_sync_state_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_sync_state"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();