ALTER TABLE "stash_sync_runs" ADD COLUMN "pictures_downloaded" integer;--> statement-breakpoint
ALTER TABLE "stash_sync_runs" ADD COLUMN "pictures_already_cached" integer;--> statement-breakpoint
ALTER TABLE "stash_sync_runs" ADD COLUMN "pictures_placeholders" integer;--> statement-breakpoint
ALTER TABLE "stash_sync_runs" ADD COLUMN "pictures_failed" integer;--> statement-breakpoint
ALTER TABLE "stash_sync_runs" ADD COLUMN "pictures_removed" integer;