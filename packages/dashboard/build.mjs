// Builds the dashboard (TypeScript and CSS under src/) into dist/ with esbuild, the way the server's
// own bundle is built: on start, only when a source is newer than the build (a build takes about
// 150 ms, a freshness check about 1 ms), so nothing is built by hand and no build output is committed.
// Plain JavaScript, so the server can call it without a TypeScript loader.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(fileURLToPath(import.meta.url));
const sourceDir = join(packageDir, 'src');
/** Where the built dashboard lives: `index.html` and `assets/`. */
export const distDir = join(packageDir, 'dist');
const stampFile = join(distDir, 'build-stamp.json');

/** The newest modification time of the sources (and this script, whose options shape the output). */
function newestSourceMs() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  const visit = (path) => {
    const stat = statSync(path);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(sourceDir);
  return newest;
}

function isFresh() {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    return stamp.sourceMs >= newestSourceMs() && statSync(join(distDir, 'index.html')).isFile();
  } catch {
    return false;
  }
}

/** Writes a file aside and renames it, so a server starting at the same moment never reads half of it. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, contents);
  renameSync(aside, path);
}

/** The build under way in this process: calls made meanwhile share it. */
let building;

/**
 * Builds the dashboard into dist/: `assets/app-<hash>.js` and `assets/app-<hash>.css` (the hash of
 * their contents, so browsers may cache them for good) and `index.html` naming them.
 */
export function buildDashboard() {
  building ??= buildOnce().finally(() => {
    building = undefined;
  });
  return building;
}

async function buildOnce() {
  const sourceMs = newestSourceMs();
  const esbuild = await import('esbuild');
  // esbuild runs in a child process that it would otherwise keep for the life of the server that
  // started it (about 24 MB): it is stopped once the dashboard is built.
  const result = await esbuild
    .build({
      entryPoints: { app: join(sourceDir, 'main.tsx') },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      // Browsers of the last three years; the dashboard uses <dialog>, :focus-visible and optional chaining.
      target: ['chrome109', 'firefox115', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      write: false,
      outdir: join(distDir, 'assets'),
      entryNames: '[name]-[hash]',
      logLevel: 'error',
    })
    .finally(() => esbuild.stop());
  const assets = [];
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    assets.push(file.path.slice(distDir.length).replaceAll('\\', '/'));
  }
  const script = assets.find((path) => path.endsWith('.js'));
  const style = assets.find((path) => path.endsWith('.css'));
  const template = readFileSync(join(sourceDir, 'index.html'), 'utf8');
  const html = template.replace('%SCRIPT%', script).replace('%STYLE%', style);
  writeAtomically(join(distDir, 'index.html'), html);
  // Older builds' assets are removed once the new index names the new ones; a page already open
  // keeps the code it loaded.
  const keep = new Set(assets.map((path) => path.split('/').pop()));
  for (const name of readdirSync(join(distDir, 'assets'))) {
    if (!keep.has(name) && !name.endsWith('.tmp')) rmSync(join(distDir, 'assets', name), { force: true });
  }
  const digest = createHash('sha256').update(html).digest('hex').slice(0, 12);
  writeAtomically(stampFile, JSON.stringify({ sourceMs, digest }));
  return distDir;
}

/** Builds the dashboard when a source is newer than the last build; returns the directory to serve. */
export async function ensureDashboardBuilt() {
  if (!isFresh()) await buildDashboard();
  return distDir;
}
