CREATE TABLE "stash_mirror_state" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- The deferred-indexes mark, with the dropped indexes' definitions, moves out of stash_sync_state,
-- whose rows are watermarks: a mirror whose first sync died with its indexes dropped still has them
-- built back by its next open. Marked as the sync's writes for these statements only.
SELECT set_config('stash_mirror.sync_writer', 'on', true);
--> statement-breakpoint
INSERT INTO "stash_mirror_state" ("name", "value", "updated_at")
SELECT "entity", "watermark", "updated_at" FROM "stash_sync_state" WHERE "entity" = 'deferred-indexes';
--> statement-breakpoint
DELETE FROM "stash_sync_state" WHERE "entity" = 'deferred-indexes';
--> statement-breakpoint
SELECT set_config('stash_mirror.sync_writer', '', true);
--> statement-breakpoint
CREATE TRIGGER "stash_mirror_state_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_mirror_state"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
