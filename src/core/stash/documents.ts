/**
 * Every GraphQL document Stash Mirror sends to Stash. Nothing else in the project builds query text:
 * tests validate this list against Stash's published schema and against the fake server's subset.
 */

/** Identifies the server: a Stash answers both fields; anything else fails validation. */
export const SERVER_IDENTITY = /* GraphQL */ `
  query ServerIdentity {
    version {
      version
      hash
      build_time
    }
    systemStatus {
      status
      appSchema
    }
  }
`;

// Full rows: one document per entity serves filtered pages and fetches by id (`ids` set, no filter).

export const PERFORMER_ROWS = /* GraphQL */ `
  query PerformerRows($filter: FindFilterType, $performer_filter: PerformerFilterType, $ids: [ID!]) {
    findPerformers(filter: $filter, performer_filter: $performer_filter, ids: $ids) {
      count
      performers {
        id
        name
        gender
        image_path
        favorite
        updated_at
        tags {
          id
        }
      }
    }
  }
`;

export const TAG_ROWS = /* GraphQL */ `
  query TagRows($filter: FindFilterType, $tag_filter: TagFilterType, $ids: [ID!]) {
    findTags(filter: $filter, tag_filter: $tag_filter, ids: $ids) {
      count
      tags {
        id
        name
        updated_at
        parents {
          id
        }
        children {
          id
        }
      }
    }
  }
`;

export const STUDIO_ROWS = /* GraphQL */ `
  query StudioRows($filter: FindFilterType, $studio_filter: StudioFilterType, $ids: [ID!]) {
    findStudios(filter: $filter, studio_filter: $studio_filter, ids: $ids) {
      count
      studios {
        id
        name
        image_path
        updated_at
        parent_studio {
          id
        }
      }
    }
  }
`;

export const SCENE_ROWS = /* GraphQL */ `
  query SceneRows($filter: FindFilterType, $scene_filter: SceneFilterType, $ids: [ID!]) {
    findScenes(filter: $filter, scene_filter: $scene_filter, ids: $ids) {
      count
      scenes {
        id
        title
        details
        date
        rating100
        organized
        updated_at
        studio {
          id
        }
        performers {
          id
        }
        tags {
          id
        }
        files {
          basename
          size
          duration
          updated_at
        }
      }
    }
  }
`;

export const MARKER_ROWS = /* GraphQL */ `
  query MarkerRows($filter: FindFilterType, $scene_marker_filter: SceneMarkerFilterType, $ids: [ID!]) {
    findSceneMarkers(filter: $filter, scene_marker_filter: $scene_marker_filter, ids: $ids) {
      count
      scene_markers {
        id
        title
        seconds
        end_seconds
        updated_at
        scene {
          id
        }
        primary_tag {
          id
        }
        tags {
          id
        }
      }
    }
  }
`;

// Listings: only what existence and change detection need, so listing a whole library stays cheap.

export const PERFORMER_LISTING = /* GraphQL */ `
  query PerformerListing($filter: FindFilterType) {
    findPerformers(filter: $filter) {
      count
      performers {
        id
        updated_at
      }
    }
  }
`;

export const TAG_LISTING = /* GraphQL */ `
  query TagListing($filter: FindFilterType) {
    findTags(filter: $filter) {
      count
      tags {
        id
        updated_at
      }
    }
  }
`;

export const STUDIO_LISTING = /* GraphQL */ `
  query StudioListing($filter: FindFilterType) {
    findStudios(filter: $filter) {
      count
      studios {
        id
        updated_at
      }
    }
  }
`;

/** Also lists the scenes whose files changed, with a files_filter: a rescan bumps the file, not the scene. */
export const SCENE_LISTING = /* GraphQL */ `
  query SceneListing($filter: FindFilterType, $scene_filter: SceneFilterType) {
    findScenes(filter: $filter, scene_filter: $scene_filter) {
      count
      scenes {
        id
        updated_at
      }
    }
  }
`;

export const MARKER_LISTING = /* GraphQL */ `
  query MarkerListing($filter: FindFilterType) {
    findSceneMarkers(filter: $filter) {
      count
      scene_markers {
        id
        updated_at
      }
    }
  }
`;

/** Every document, by operation name, for the schema conformance test. */
export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  ServerIdentity: SERVER_IDENTITY,
  PerformerRows: PERFORMER_ROWS,
  TagRows: TAG_ROWS,
  StudioRows: STUDIO_ROWS,
  SceneRows: SCENE_ROWS,
  MarkerRows: MARKER_ROWS,
  PerformerListing: PERFORMER_LISTING,
  TagListing: TAG_LISTING,
  StudioListing: STUDIO_LISTING,
  SceneListing: SCENE_LISTING,
  MarkerListing: MARKER_LISTING,
};
