CREATE TABLE "stash_performers" (
	"id" integer PRIMARY KEY NOT NULL,
	"stash_updated_at" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"is_stale" boolean DEFAULT false NOT NULL,
	"name" text NOT NULL,
	"gender" text,
	"image_path" text
);
--> statement-breakpoint
CREATE TABLE "stash_scene_marker_tags" (
	"marker_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stash_scene_marker_tags_marker_id_tag_id_pk" PRIMARY KEY("marker_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "stash_scene_markers" (
	"id" integer PRIMARY KEY NOT NULL,
	"stash_updated_at" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"is_stale" boolean DEFAULT false NOT NULL,
	"scene_id" integer NOT NULL,
	"title" text NOT NULL,
	"seconds" double precision NOT NULL,
	"end_seconds" double precision,
	"primary_tag_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stash_scene_performers" (
	"scene_id" integer NOT NULL,
	"performer_id" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stash_scene_performers_scene_id_performer_id_pk" PRIMARY KEY("scene_id","performer_id")
);
--> statement-breakpoint
CREATE TABLE "stash_scene_tags" (
	"scene_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stash_scene_tags_scene_id_tag_id_pk" PRIMARY KEY("scene_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "stash_scenes" (
	"id" integer PRIMARY KEY NOT NULL,
	"stash_updated_at" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"is_stale" boolean DEFAULT false NOT NULL,
	"title" text,
	"date" text,
	"details" text,
	"filesize" bigint,
	"duration" double precision
);
--> statement-breakpoint
CREATE TABLE "stash_sync_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"entity" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"fetched" integer DEFAULT 0 NOT NULL,
	"upserted" integer DEFAULT 0 NOT NULL,
	"stale_marked" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "stash_sync_state" (
	"entity" text PRIMARY KEY NOT NULL,
	"watermark" text,
	"files_watermark" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stash_sync_writer" (
	"token" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stash_tag_parents" (
	"child_id" integer NOT NULL,
	"parent_id" integer NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stash_tag_parents_child_id_parent_id_pk" PRIMARY KEY("child_id","parent_id")
);
--> statement-breakpoint
CREATE TABLE "stash_tags" (
	"id" integer PRIMARY KEY NOT NULL,
	"stash_updated_at" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL,
	"is_stale" boolean DEFAULT false NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "stash_performers_name_idx" ON "stash_performers" USING btree ("name");--> statement-breakpoint
CREATE INDEX "stash_performers_stale_idx" ON "stash_performers" USING btree ("id") WHERE "stash_performers"."is_stale";--> statement-breakpoint
CREATE INDEX "stash_scene_marker_tags_tag_idx" ON "stash_scene_marker_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "stash_scene_markers_scene_idx" ON "stash_scene_markers" USING btree ("scene_id");--> statement-breakpoint
CREATE INDEX "stash_scene_markers_primary_tag_idx" ON "stash_scene_markers" USING btree ("primary_tag_id");--> statement-breakpoint
CREATE INDEX "stash_scene_markers_stale_idx" ON "stash_scene_markers" USING btree ("id") WHERE "stash_scene_markers"."is_stale";--> statement-breakpoint
CREATE INDEX "stash_scene_performers_performer_idx" ON "stash_scene_performers" USING btree ("performer_id");--> statement-breakpoint
CREATE INDEX "stash_scene_tags_tag_idx" ON "stash_scene_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "stash_scenes_date_idx" ON "stash_scenes" USING btree ("date");--> statement-breakpoint
CREATE INDEX "stash_scenes_filesize_idx" ON "stash_scenes" USING btree ("filesize");--> statement-breakpoint
CREATE INDEX "stash_scenes_duration_idx" ON "stash_scenes" USING btree ("duration");--> statement-breakpoint
CREATE INDEX "stash_scenes_stale_idx" ON "stash_scenes" USING btree ("id") WHERE "stash_scenes"."is_stale";--> statement-breakpoint
CREATE INDEX "stash_sync_runs_entity_idx" ON "stash_sync_runs" USING btree ("entity","started_at");--> statement-breakpoint
CREATE INDEX "stash_tag_parents_parent_idx" ON "stash_tag_parents" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "stash_tags_name_ci_idx" ON "stash_tags" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "stash_tags_stale_idx" ON "stash_tags" USING btree ("id") WHERE "stash_tags"."is_stale";