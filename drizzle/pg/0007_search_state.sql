-- The search's state row (when the full-text index was last brought up to date) is no watermark
-- either: it moves to stash_mirror_state beside the deferred-indexes mark. Marked as the sync's
-- writes for these statements only.
SELECT set_config('stash_mirror.sync_writer', 'on', true);
--> statement-breakpoint
INSERT INTO "stash_mirror_state" ("name", "value", "updated_at")
SELECT "entity", NULL, "updated_at" FROM "stash_sync_state" WHERE "entity" = 'text-search';
--> statement-breakpoint
DELETE FROM "stash_sync_state" WHERE "entity" = 'text-search';
--> statement-breakpoint
SELECT set_config('stash_mirror.sync_writer', '', true);
