#!/usr/bin/env node
// Runs Hookline from one bundled ES module (`dist/hookline.mjs`), built from the TypeScript sources by
// esbuild whenever a source is newer than the bundle (about 20 ms), so there is still no build step
// between a clone and a running server. Running the bundle rather than the sources through the tsx
// loader saves the loader's thread and transforms: about 38 MB of RSS (143 → 105 MB when idle).
// Should the bundle be impossible to write (a read-only install), the sources run through tsx.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(packageDir, 'src', 'cli', 'main.ts');
const bundle = join(packageDir, 'dist', 'hookline.mjs');
// The delivery engine's sending thread loads its own module, bundled beside the main one.
const threadEntry = join(packageDir, 'src', 'delivery', 'sender-thread.ts');
const threadBundle = join(packageDir, 'dist', 'sender-thread.mjs');

/** The newest modification time of the sources the bundle is made of (this package and the receiver). */
function newestSourceMs() {
  const roots = [join(packageDir, 'src'), join(packageDir, 'package.json')];
  try {
    roots.push(dirname(fileURLToPath(import.meta.resolve('@hookline/receiver'))));
  } catch {
    // Not resolvable here: the bundle step reports it.
  }
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const root of roots) visit(root);
  return newest;
}

function bundleIsFresh() {
  try {
    return statSync(bundle).mtimeMs >= newestSourceMs();
  } catch {
    return false;
  }
}

async function buildBundle() {
  const esbuild = await import('esbuild');
  const { dependencies } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  // The asynchronous API runs esbuild in a child process, stopped once the bundle is built. The
  // synchronous one starts a worker thread that the process then keeps for its whole life: about 21 MB
  // of RSS and a thread on every server that built its own bundle, as the first `npm start` does.
  const result = await esbuild
    .build({
      entryPoints: { hookline: entry, 'sender-thread': threadEntry },
      outdir: dirname(bundle),
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // No source map: loading one costs about 12 MB of RSS. The bundle is not minified, so stack
      // traces keep our function names and readable code.
      minify: false,
      logLevel: 'error',
      // Installed packages load from node_modules as usual; only our workspace sources are bundled.
      external: Object.keys(dependencies).filter((name) => name !== '@hookline/receiver'),
      write: false,
    })
    .finally(() => esbuild.stop());
  // Written aside and renamed, so a process starting at the same moment never imports half a file.
  // The main bundle goes last: once it is fresh, the thread's module is too.
  mkdirSync(dirname(bundle), { recursive: true });
  const byPath = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
  for (const path of [threadBundle, bundle]) {
    const aside = `${path}.${process.pid}.tmp`;
    writeFileSync(aside, byPath.get(path));
    renameSync(aside, path);
  }
}

let runBundle = bundleIsFresh();
if (!runBundle) {
  try {
    await buildBundle();
    runBundle = true;
  } catch {
    runBundle = false;
  }
}
if (runBundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
}
