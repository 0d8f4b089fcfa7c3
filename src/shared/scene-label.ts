/**
 * What names a scene in a result, as Stash does: its title, else its primary file's basename (an
 * empty title counts as none). Null when the scene has neither; each caller words that case.
 */
export function sceneLabel(scene: { title: string | null; basename: string | null }): string | null {
  return scene.title || scene.basename || null;
}
