/** Stand-in for the media part's module: the interface's types only, replaced when it lands. */
export type MediaKind = 'marker-screenshot' | 'marker-preview' | 'performer-image';
