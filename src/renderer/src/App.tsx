export function App() {
  return (
    <main>
      <h1>Stash Mirror</h1>
      <p>
        Run a sync with <code>npm run sync:stash</code>; the app UI comes later.
      </p>
      <p>Version {window.stashMirror.version}</p>
    </main>
  );
}
