CREATE TABLE "stash_performer_tags" (
	"performer_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stash_performer_tags_performer_id_tag_id_pk" PRIMARY KEY("performer_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "stash_studios" (
	"id" integer PRIMARY KEY NOT NULL,
	"stash_updated_at" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"is_stale" boolean DEFAULT false NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"image_path" text
);
--> statement-breakpoint
ALTER TABLE "stash_performers" ADD COLUMN "favorite" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stash_scenes" ADD COLUMN "rating100" integer;--> statement-breakpoint
ALTER TABLE "stash_scenes" ADD COLUMN "organized" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "stash_scenes" ADD COLUMN "studio_id" integer;--> statement-breakpoint
CREATE INDEX "stash_performer_tags_tag_idx" ON "stash_performer_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "stash_studios_parent_idx" ON "stash_studios" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "stash_studios_stale_idx" ON "stash_studios" USING btree ("id") WHERE "stash_studios"."is_stale";--> statement-breakpoint
CREATE INDEX "stash_scenes_studio_idx" ON "stash_scenes" USING btree ("studio_id");--> statement-breakpoint
-- The new tables are read-only like the others (0001).
CREATE TRIGGER "stash_performer_tags_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_performer_tags"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_studios_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_studios"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
-- Performers and scenes mirrored before these columns lack them, and Stash bumps none of them:
-- without a watermark the next sync fetches every performer again, and without a files watermark
-- every listed scene (docs/sync.md, step 2), which fills them.
SELECT set_config('stash_mirror.sync_writer', 'on', true);
--> statement-breakpoint
UPDATE "stash_sync_state" SET "watermark" = NULL WHERE "entity" = 'performers';
--> statement-breakpoint
UPDATE "stash_sync_state" SET "files_watermark" = NULL WHERE "entity" = 'scenes';
--> statement-breakpoint
SELECT set_config('stash_mirror.sync_writer', '', true);
