ALTER TABLE "stash_scenes" ADD COLUMN "basename" text;
--> statement-breakpoint
-- Scenes mirrored before this column have no basename, and Stash bumps none of them: without a
-- files watermark the next sync fetches every listed scene (docs/sync.md, step 2), which fills it.
SELECT set_config('stash_mirror.sync_writer', 'on', true);
--> statement-breakpoint
UPDATE "stash_sync_state" SET "files_watermark" = NULL WHERE "entity" = 'scenes';
--> statement-breakpoint
SELECT set_config('stash_mirror.sync_writer', '', true);
