/**
 * The layering ARCHITECTURE.md states ("Module map"), checked by `npm run check` (`npm run layers`).
 * Dependencies point inward: api | cli | delivery → app → domain; store/ implements the interface
 * (store/store.ts) that app/ and delivery/ use; only server.ts, the composition root, knows which
 * store is in use. The exceptions are written where they apply.
 */
const SRC = '^packages/server/src/';
const TESTS = '\\.(test|contract)\\.ts$';
const layer = (name) => `${SRC}${name}/`;
const BACKENDS = `${SRC}store/(sqlite|postgres)/`;
const ROOT = `${SRC}server\\.ts$`;

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules: it depends on no other layer and does no I/O.',
      severity: 'error',
      from: { path: layer('domain'), pathNot: TESTS },
      to: {
        path: [
          `${SRC}(app|api|store|delivery|cli|observability|config|demo)/`,
          ROOT,
          '^(node:)?(fs|fs/promises|http|https|http2|net/promises|child_process|worker_threads|dgram|dns)$',
        ],
      },
    },
    {
      name: 'app-uses-the-store-interface',
      comment: 'Use cases see the Store interface, never a backend, and know nothing of HTTP or delivery.',
      severity: 'error',
      from: { path: layer('app'), pathNot: TESTS },
      to: { path: [`${SRC}(api|delivery|cli|demo)/`, BACKENDS, ROOT] },
    },
    {
      name: 'api-goes-through-app',
      comment:
        'Routes call use cases. Stated exception: the record types of store/store.ts (type-only imports, ' +
        'which representations.ts turns into the API shape) and the InvalidCursorError of ' +
        'store/pagination.ts (a cursor the API handed out and got back damaged).',
      severity: 'error',
      from: { path: layer('api'), pathNot: TESTS },
      to: {
        path: [`${SRC}(delivery|cli|demo)/`, `${SRC}store/`, ROOT],
        pathNot: [`${SRC}store/pagination\\.ts$`, `${SRC}store/store\\.ts$`],
      },
    },
    {
      name: 'api-takes-only-types-from-the-store',
      comment: 'See api-goes-through-app: from store/store.ts the API may import types only.',
      severity: 'error',
      from: { path: layer('api'), pathNot: TESTS },
      to: { path: `${SRC}store/store\\.ts$`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'delivery-uses-the-store-interface',
      comment: 'The engine claims and records through the Store interface; it knows no use case or route.',
      severity: 'error',
      from: { path: layer('delivery'), pathNot: TESTS },
      to: { path: [`${SRC}(app|api|cli|demo)/`, BACKENDS, ROOT] },
    },
    {
      name: 'store-is-below-everything',
      comment: 'The stores implement the interface; they call nothing above them.',
      severity: 'error',
      from: { path: layer('store'), pathNot: TESTS },
      to: { path: [`${SRC}(app|api|delivery|cli|demo)/`, ROOT] },
    },
    {
      name: 'only-the-composition-root-picks-a-store',
      comment: 'server.ts alone opens a SQLite or PostgreSQL store (hookline migrate goes through it too).',
      severity: 'error',
      from: { path: SRC, pathNot: [ROOT, `${SRC}store/`, TESTS] },
      to: { path: BACKENDS },
    },
    {
      name: 'settings-and-observability-are-leaves',
      comment: 'config/ and observability/ are used by every layer and use none of them.',
      severity: 'error',
      from: { path: `${SRC}(config|observability)/`, pathNot: TESTS },
      to: { path: [`${SRC}(app|api|store|delivery|cli|demo)/`, ROOT] },
    },
    {
      name: 'the-demo-talks-http',
      comment:
        'The demo shop uses Hookline as a platform would: over its API, never its insides. It starts ' +
        'one through server.ts, as the command line does.',
      severity: 'error',
      from: { path: layer('demo'), pathNot: TESTS },
      to: { path: `${SRC}(app|api|store|delivery)/` },
    },
    {
      name: 'the-dashboard-talks-http',
      comment: 'The dashboard depends on API v1 alone: no import of the server.',
      severity: 'error',
      from: { path: '^packages/dashboard/src/' },
      to: { path: '^packages/server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['node_modules', '/dist/'] },
  },
};
