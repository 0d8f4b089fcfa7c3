-- Mirror tables are read-only: only the sync, which holds a row in stash_sync_writer inside its
-- own transactions, may write them. Every other INSERT, UPDATE or DELETE is refused.
CREATE TRIGGER `stash_performers_readonly_insert` BEFORE INSERT ON `stash_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_performers_readonly_update` BEFORE UPDATE ON `stash_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_performers_readonly_delete` BEFORE DELETE ON `stash_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tags_readonly_insert` BEFORE INSERT ON `stash_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tags_readonly_update` BEFORE UPDATE ON `stash_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tags_readonly_delete` BEFORE DELETE ON `stash_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tag_parents_readonly_insert` BEFORE INSERT ON `stash_tag_parents`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_parents is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tag_parents_readonly_update` BEFORE UPDATE ON `stash_tag_parents`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_parents is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tag_parents_readonly_delete` BEFORE DELETE ON `stash_tag_parents`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_parents is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scenes_readonly_insert` BEFORE INSERT ON `stash_scenes`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scenes is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scenes_readonly_update` BEFORE UPDATE ON `stash_scenes`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scenes is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scenes_readonly_delete` BEFORE DELETE ON `stash_scenes`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scenes is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_performers_readonly_insert` BEFORE INSERT ON `stash_scene_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_performers_readonly_update` BEFORE UPDATE ON `stash_scene_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_performers_readonly_delete` BEFORE DELETE ON `stash_scene_performers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_performers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_tags_readonly_insert` BEFORE INSERT ON `stash_scene_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_tags_readonly_update` BEFORE UPDATE ON `stash_scene_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_tags_readonly_delete` BEFORE DELETE ON `stash_scene_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_markers_readonly_insert` BEFORE INSERT ON `stash_scene_markers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_markers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_markers_readonly_update` BEFORE UPDATE ON `stash_scene_markers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_markers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_markers_readonly_delete` BEFORE DELETE ON `stash_scene_markers`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_markers is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_marker_tags_readonly_insert` BEFORE INSERT ON `stash_scene_marker_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_marker_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_marker_tags_readonly_update` BEFORE UPDATE ON `stash_scene_marker_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_marker_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_scene_marker_tags_readonly_delete` BEFORE DELETE ON `stash_scene_marker_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_scene_marker_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_runs_readonly_insert` BEFORE INSERT ON `stash_sync_runs`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_runs is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_runs_readonly_update` BEFORE UPDATE ON `stash_sync_runs`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_runs is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_runs_readonly_delete` BEFORE DELETE ON `stash_sync_runs`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_runs is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_state_readonly_insert` BEFORE INSERT ON `stash_sync_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_state is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_state_readonly_update` BEFORE UPDATE ON `stash_sync_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_state is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_sync_state_readonly_delete` BEFORE DELETE ON `stash_sync_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_sync_state is read-only: only the Stash sync writes the mirror');
END;
