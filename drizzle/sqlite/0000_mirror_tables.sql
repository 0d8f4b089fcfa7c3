CREATE TABLE `stash_performers` (
	`id` integer PRIMARY KEY NOT NULL,
	`stash_updated_at` text NOT NULL,
	`synced_at` integer NOT NULL,
	`is_stale` integer DEFAULT false NOT NULL,
	`name` text NOT NULL,
	`gender` text,
	`image_path` text
);
--> statement-breakpoint
CREATE INDEX `stash_performers_name_idx` ON `stash_performers` (`name`);--> statement-breakpoint
CREATE INDEX `stash_performers_stale_idx` ON `stash_performers` (`id`) WHERE "stash_performers"."is_stale";--> statement-breakpoint
CREATE TABLE `stash_scene_marker_tags` (
	`marker_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`marker_id`, `tag_id`)
);
--> statement-breakpoint
CREATE INDEX `stash_scene_marker_tags_tag_idx` ON `stash_scene_marker_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `stash_scene_markers` (
	`id` integer PRIMARY KEY NOT NULL,
	`stash_updated_at` text NOT NULL,
	`synced_at` integer NOT NULL,
	`is_stale` integer DEFAULT false NOT NULL,
	`scene_id` integer NOT NULL,
	`title` text NOT NULL,
	`seconds` real NOT NULL,
	`end_seconds` real,
	`primary_tag_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stash_scene_markers_scene_idx` ON `stash_scene_markers` (`scene_id`);--> statement-breakpoint
CREATE INDEX `stash_scene_markers_primary_tag_idx` ON `stash_scene_markers` (`primary_tag_id`);--> statement-breakpoint
CREATE INDEX `stash_scene_markers_stale_idx` ON `stash_scene_markers` (`id`) WHERE "stash_scene_markers"."is_stale";--> statement-breakpoint
CREATE TABLE `stash_scene_performers` (
	`scene_id` integer NOT NULL,
	`performer_id` integer NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`scene_id`, `performer_id`)
);
--> statement-breakpoint
CREATE INDEX `stash_scene_performers_performer_idx` ON `stash_scene_performers` (`performer_id`);--> statement-breakpoint
CREATE TABLE `stash_scene_tags` (
	`scene_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`scene_id`, `tag_id`)
);
--> statement-breakpoint
CREATE INDEX `stash_scene_tags_tag_idx` ON `stash_scene_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `stash_scenes` (
	`id` integer PRIMARY KEY NOT NULL,
	`stash_updated_at` text NOT NULL,
	`synced_at` integer NOT NULL,
	`is_stale` integer DEFAULT false NOT NULL,
	`title` text,
	`date` text,
	`details` text,
	`filesize` integer,
	`duration` real
);
--> statement-breakpoint
CREATE INDEX `stash_scenes_date_idx` ON `stash_scenes` (`date`);--> statement-breakpoint
CREATE INDEX `stash_scenes_filesize_idx` ON `stash_scenes` (`filesize`);--> statement-breakpoint
CREATE INDEX `stash_scenes_duration_idx` ON `stash_scenes` (`duration`);--> statement-breakpoint
CREATE INDEX `stash_scenes_stale_idx` ON `stash_scenes` (`id`) WHERE "stash_scenes"."is_stale";--> statement-breakpoint
CREATE TABLE `stash_sync_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`entity` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`fetched` integer DEFAULT 0 NOT NULL,
	`upserted` integer DEFAULT 0 NOT NULL,
	`stale_marked` integer DEFAULT 0 NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `stash_sync_runs_entity_idx` ON `stash_sync_runs` (`entity`,`started_at`);--> statement-breakpoint
CREATE TABLE `stash_sync_state` (
	`entity` text PRIMARY KEY NOT NULL,
	`watermark` text,
	`files_watermark` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stash_sync_writer` (
	`token` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stash_tag_parents` (
	`child_id` integer NOT NULL,
	`parent_id` integer NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`child_id`, `parent_id`)
);
--> statement-breakpoint
CREATE INDEX `stash_tag_parents_parent_idx` ON `stash_tag_parents` (`parent_id`);--> statement-breakpoint
CREATE TABLE `stash_tags` (
	`id` integer PRIMARY KEY NOT NULL,
	`stash_updated_at` text NOT NULL,
	`synced_at` integer NOT NULL,
	`is_stale` integer DEFAULT false NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stash_tags_name_ci_idx` ON `stash_tags` ("name" collate nocase);--> statement-breakpoint
CREATE INDEX `stash_tags_stale_idx` ON `stash_tags` (`id`) WHERE "stash_tags"."is_stale";