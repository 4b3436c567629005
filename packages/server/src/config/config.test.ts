import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Config,
  ConfigError,
  loadConfig,
  parseAdminToken,
  SETTINGS,
  unknownSettings,
} from './config.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The message of the ConfigError `env` produces. */
function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  test('the documented defaults', () => {
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.dataDir, './data');
    assert.equal(config.role, 'all');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databasePoolSize, 10);
    assert.equal(config.adminToken, undefined);
    assert.equal(config.timeoutMs, 15_000);
    assert.deepEqual(config.allowTargets, []);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.maxEventBytes, 256 * 1024);
    assert.equal(config.requestTimeoutMs, 30 * SECOND);
    assert.equal(config.secretGraceMs, 24 * HOUR);
    assert.equal(config.retryAfterMaxMs, HOUR);
    assert.equal(config.workerConcurrency, 512);
    assert.equal(config.endpointConcurrency, 32);
    assert.equal(config.accountConcurrency, 128);
    assert.equal(config.claimBatchSize, 256);
    assert.equal(config.pollIntervalMs, SECOND);
    assert.equal(config.maxResponseBodyBytes, 64 * 1024);
    assert.equal(config.loggedRequestBodyBytes, 64 * 1024);
    assert.equal(config.shutdownTimeoutMs, 20 * SECOND);
    assert.equal(config.rateLimitKeyPerSecond, 100);
    assert.equal(config.rateLimitAccountPerSecond, 200);
    assert.equal(config.rateLimitAdminPerSecond, 50_000);
    assert.equal(config.rateLimitWindowMs, SECOND);
  });

  test('the retry schedule: 9 retries after the first attempt, a little over three days in all', () => {
    assert.deepEqual(config.retryScheduleMs, [
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      14 * HOUR,
      20 * HOUR,
      24 * HOUR,
    ]);
    const totalMs = config.retryScheduleMs.reduce((sum, ms) => sum + ms, 0);
    assert.equal(totalMs, 75 * HOUR + 35 * MINUTE + 5 * SECOND);
    // With ±20 % jitter on each delay the last attempt lands between about 2.5 and 3.8 days.
    assert.ok(totalMs > 3 * 24 * HOUR && totalMs < 80 * HOUR);
  });

  test('the configuration is frozen', () => {
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
  });

  test('an empty variable means the default, as an unset one does', () => {
    const env = Object.fromEntries(SETTINGS.map((setting) => [setting.env, '']));
    assert.deepEqual(loadConfig(env), config);
  });

  test('the table covers every field once, and every default parses', () => {
    const keys = SETTINGS.map((setting) => setting.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(new Set(SETTINGS.map((setting) => setting.env)).size, SETTINGS.length);
    assert.deepEqual([...keys].sort(), Object.keys(config).sort());
    for (const setting of SETTINGS) {
      assert.match(setting.env, /^(PORT|DATABASE_URL|HOOKLINE_[A-Z_]+)$/);
      assert.ok(setting.description.length > 20, `${setting.env} has a description`);
      assert.ok(setting.unit.length > 0, `${setting.env} has a unit`);
      if (setting.defaultText !== undefined) {
        assert.deepEqual(setting.parse(setting.defaultText), config[setting.key], setting.env);
      }
    }
  });
});

describe('loadConfig reads each variable', () => {
  const cases: [env: string, text: string, key: keyof Config, expected: unknown][] = [
    ['PORT', '3000', 'port', 3000],
    ['PORT', '0', 'port', 0],
    ['HOOKLINE_HOST', ' 127.0.0.1 ', 'host', '127.0.0.1'],
    ['HOOKLINE_HOST', '::', 'host', '::'],
    ['HOOKLINE_PUBLIC_URL', ' https://hooks.example.com ', 'publicUrl', 'https://hooks.example.com'],
    [
      'HOOKLINE_PORTAL_FRAME_ANCESTORS',
      'https://app.example.com, http://localhost:3000 https://shop.example.nl:8443',
      'portalFrameAncestors',
      ['https://app.example.com', 'http://localhost:3000', 'https://shop.example.nl:8443'],
    ],
    ['HOOKLINE_PUBLIC_URL', 'http://10.0.0.5:8080/hookline', 'publicUrl', 'http://10.0.0.5:8080/hookline'],
    ['HOOKLINE_DATA_DIR', '/var/lib/hookline', 'dataDir', '/var/lib/hookline'],
    ['HOOKLINE_ROLE', 'worker', 'role', 'worker'],
    [
      'DATABASE_URL',
      'postgres://hookline:pw@db:5432/hookline',
      'databaseUrl',
      'postgres://hookline:pw@db:5432/hookline',
    ],
    ['DATABASE_URL', 'postgresql://db/hookline', 'databaseUrl', 'postgresql://db/hookline'],
    ['HOOKLINE_DATABASE_POOL_SIZE', '25', 'databasePoolSize', 25],
    ['HOOKLINE_ADMIN_TOKEN', 'operator-token-0123456789', 'adminToken', 'operator-token-0123456789'],
    [
      'HOOKLINE_RETRY_SCHEDULE',
      '200ms, 1.5s,2m,1h,1d',
      'retryScheduleMs',
      [200, 1_500, 2 * MINUTE, HOUR, 24 * HOUR],
    ],
    ['HOOKLINE_RETRY_SCHEDULE', '10s', 'retryScheduleMs', [10 * SECOND]],
    ['HOOKLINE_TIMEOUT_MS', '2500', 'timeoutMs', 2_500],
    ['HOOKLINE_LOG_LEVEL', 'DEBUG', 'logLevel', 'debug'],
    ['HOOKLINE_LOG_LEVEL', 'silent', 'logLevel', 'silent'],
    ['HOOKLINE_MAX_EVENT_BYTES', '1048576', 'maxEventBytes', 1_048_576],
    ['HOOKLINE_REQUEST_TIMEOUT', '300ms', 'requestTimeoutMs', 300],
    ['HOOKLINE_REQUEST_TIMEOUT', '2m', 'requestTimeoutMs', 2 * MINUTE],
    ['HOOKLINE_SECRET_GRACE', '0s', 'secretGraceMs', 0],
    ['HOOKLINE_SECRET_GRACE', '7d', 'secretGraceMs', 7 * 24 * HOUR],
    ['HOOKLINE_MAX_ACTIVE_URLS', '25', 'maxActiveUrls', 25],
    ['HOOKLINE_RATE_LIMIT_KEY', '25', 'rateLimitKeyPerSecond', 25],
    ['HOOKLINE_RATE_LIMIT_KEY', 'off', 'rateLimitKeyPerSecond', 0],
    ['HOOKLINE_RATE_LIMIT_ACCOUNT', ' OFF ', 'rateLimitAccountPerSecond', 0],
    ['HOOKLINE_RATE_LIMIT_ACCOUNT', '1000', 'rateLimitAccountPerSecond', 1_000],
    ['HOOKLINE_RATE_LIMIT_ADMIN', '0', 'rateLimitAdminPerSecond', 0],
    ['HOOKLINE_RATE_LIMIT_ADMIN', '1000000', 'rateLimitAdminPerSecond', 1_000_000],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '10s', 'rateLimitWindowMs', 10 * SECOND],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '1h', 'rateLimitWindowMs', HOUR],
    ['HOOKLINE_RETRY_AFTER_MAX', '10m', 'retryAfterMaxMs', 10 * MINUTE],
    ['HOOKLINE_RETENTION', '90d', 'retentionMs', 90 * 24 * 60 * MINUTE],
    ['HOOKLINE_PRUNE_INTERVAL', '5m', 'pruneIntervalMs', 5 * MINUTE],
    ['HOOKLINE_FAILING_WARNING_AFTER', '12h', 'failingWarningAfterMs', 12 * 60 * MINUTE],
    ['HOOKLINE_DISABLE_AFTER', '3d', 'disableAfterMs', 3 * 24 * 60 * MINUTE],
    [
      'HOOKLINE_OPERATOR_ACCOUNT',
      ' acc_01M981902Y77GVQ5MT0CBBT1XC ',
      'operatorAccount',
      'acc_01M981902Y77GVQ5MT0CBBT1XC',
    ],
    ['HOOKLINE_WORKER_CONCURRENCY', '64', 'workerConcurrency', 64],
    ['HOOKLINE_ENDPOINT_CONCURRENCY', '4', 'endpointConcurrency', 4],
    ['HOOKLINE_ACCOUNT_CONCURRENCY', '16', 'accountConcurrency', 16],
    ['HOOKLINE_CLAIM_BATCH', '100', 'claimBatchSize', 100],
    ['HOOKLINE_POLL_INTERVAL', '250ms', 'pollIntervalMs', 250],
    ['HOOKLINE_MAX_RESPONSE_BODY_BYTES', '0', 'maxResponseBodyBytes', 0],
    ['HOOKLINE_LOGGED_REQUEST_BODY_BYTES', '0', 'loggedRequestBodyBytes', 0],
    ['HOOKLINE_SHUTDOWN_TIMEOUT', '1m', 'shutdownTimeoutMs', MINUTE],
  ];
  for (const [env, text, key, expected] of cases) {
    test(`${env}=${JSON.stringify(text)}`, () => {
      // A database URL needs the admin token every process shares.
      const base = env === 'DATABASE_URL' ? { HOOKLINE_ADMIN_TOKEN: 'operator-token-0123456789' } : {};
      assert.deepEqual(loadConfig({ ...base, [env]: text })[key], expected);
    });
  }

  test('DATABASE_URL without HOOKLINE_ADMIN_TOKEN is refused', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://db/hookline' }),
      /HOOKLINE_ADMIN_TOKEN: is required with DATABASE_URL/,
    );
  });

  test('every setting has a case above', () => {
    const tested = new Set(cases.map(([env]) => env));
    for (const setting of SETTINGS) {
      if (setting.env !== 'HOOKLINE_ALLOW_TARGETS') assert.ok(tested.has(setting.env), setting.env);
    }
  });

  test('HOOKLINE_ALLOW_TARGETS: a comma-separated list of IPv4 and IPv6 networks', () => {
    const config = loadConfig({ HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8, ::1/128,10.1.2.3,' });
    assert.deepEqual(
      config.allowTargets.map((cidr) => [cidr.text, cidr.version, cidr.prefixLength]),
      [
        ['127.0.0.0/8', 4, 8],
        ['::1/128', 6, 128],
        ['10.1.2.3', 4, 32],
      ],
    );
  });

  test('variables that are not settings are ignored', () => {
    assert.deepEqual(loadConfig({ HOME: '/root', PATH: '/bin', HOOKLINE_URL: 'x' }), loadConfig({}));
  });
});

describe('loadConfig refuses invalid values, naming the variable', () => {
  const cases: [env: string, text: string, says: RegExp][] = [
    ['PORT', '80a', /"80a" is not a whole number/],
    ['PORT', '65536', /65536 is outside 0\.\.65535/],
    ['PORT', '-1', /not a whole number/],
    ['HOOKLINE_HOST', '   ', /is empty/],
    ['HOOKLINE_PUBLIC_URL', 'hooks.example.com', /is not an absolute URL/],
    ['HOOKLINE_PORTAL_FRAME_ANCESTORS', 'app.example.com', /is not an origin/],
    ['HOOKLINE_PORTAL_FRAME_ANCESTORS', 'https://app.example.com/embed', /scheme, host and port only/],
    ['HOOKLINE_PORTAL_FRAME_ANCESTORS', "'self'", /is not an origin/],
    ['HOOKLINE_PUBLIC_URL', 'ftp://hooks.example.com', /must start with http:\/\/ or https:\/\//],
    ['HOOKLINE_PUBLIC_URL', 'https://hooks.example.com/', /must not end with a slash/],
    ['HOOKLINE_PUBLIC_URL', 'https://hooks.example.com?a=1', /must not carry a query/],
    ['HOOKLINE_DATA_DIR', ' ', /is empty/],
    ['HOOKLINE_ADMIN_TOKEN', 'short', /at least 16 characters/],
    ['HOOKLINE_ADMIN_TOKEN', 'sixteen chars here', /printable ASCII without spaces/],
    ['HOOKLINE_ADMIN_TOKEN', 'a-long-token-with-newline\n', /printable ASCII without spaces/],
    ['HOOKLINE_RETRY_SCHEDULE', '5x', /"5x" is not a duration/],
    ['HOOKLINE_RETRY_SCHEDULE', '5', /"5" is not a duration/],
    ['HOOKLINE_RETRY_SCHEDULE', ' , ', /needs at least one duration/],
    ['HOOKLINE_RETRY_SCHEDULE', Array(51).fill('1s').join(','), /at most 50 retries/],
    ['HOOKLINE_TIMEOUT_MS', 'abc', /"abc" is not a whole number/],
    ['HOOKLINE_TIMEOUT_MS', '15s', /"15s" is not a whole number/],
    ['HOOKLINE_TIMEOUT_MS', '99', /99 is outside 100\.\.300000/],
    ['HOOKLINE_ALLOW_TARGETS', '300.1.1.1/8', /invalid CIDR "300\.1\.1\.1\/8"/],
    ['HOOKLINE_ALLOW_TARGETS', '10.0.0.1/8', /host bits are set \(did you mean 10\.0\.0\.0\/8\?\)/],
    ['HOOKLINE_ALLOW_TARGETS', '127.0.0.0/33', /prefix length/],
    ['HOOKLINE_LOG_LEVEL', 'verbose', /"verbose" is not a log level/],
    ['HOOKLINE_MAX_EVENT_BYTES', '100', /100 is outside 1024\.\.16777216/],
    ['HOOKLINE_REQUEST_TIMEOUT', '50ms', /shorter than 100ms/],
    ['HOOKLINE_REQUEST_TIMEOUT', '2h', /longer than 1h/],
    ['HOOKLINE_REQUEST_TIMEOUT', '30', /"30" is not a duration/],
    ['HOOKLINE_SECRET_GRACE', '24', /"24" is not a duration/],
    ['HOOKLINE_ROLE', 'both', /"both" is not one of api, worker, all/],
    ['DATABASE_URL', 'mysql://db/hookline', /must start with postgres:\/\//],
    ['HOOKLINE_DATABASE_POOL_SIZE', '1', /1 is outside 2\.\.1000/],
    ['HOOKLINE_MAX_ACTIVE_URLS', '0', /0 is outside 1\.\.100000/],
    ['HOOKLINE_RATE_LIMIT_KEY', 'none', /"none" is not a whole number/],
    ['HOOKLINE_RATE_LIMIT_KEY', '2.5', /"2\.5" is not a whole number/],
    ['HOOKLINE_RATE_LIMIT_ACCOUNT', '1000001', /1000001 is outside 0\.\.1000000/],
    ['HOOKLINE_RATE_LIMIT_ADMIN', '-1', /not a whole number/],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '1500ms', /1500ms is not a whole number of seconds/],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '0s', /0s is outside 1s\.\.1h/],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '2h', /2h is outside 1s\.\.1h/],
    ['HOOKLINE_RATE_LIMIT_WINDOW', '5', /"5" is not a duration/],
    ['HOOKLINE_RETRY_AFTER_MAX', '500ms', /shorter than 1s/],
    ['HOOKLINE_RETENTION', '0s', /shorter than 1s/],
    ['HOOKLINE_RETENTION', '0', /not a duration/],
    ['HOOKLINE_DISABLE_AFTER', '0s', /shorter than 1s/],
    ['HOOKLINE_OPERATOR_ACCOUNT', 'ops', /not an account id/],
    ['HOOKLINE_WORKER_CONCURRENCY', '0', /0 is outside 1\.\.100000/],
    ['HOOKLINE_ENDPOINT_CONCURRENCY', '1.5', /not a whole number/],
    ['HOOKLINE_CLAIM_BATCH', '10001', /outside 1\.\.10000/],
    ['HOOKLINE_POLL_INTERVAL', '5ms', /shorter than 10ms/],
    ['HOOKLINE_MAX_RESPONSE_BODY_BYTES', '2097152', /outside 0\.\.1048576/],
    ['HOOKLINE_SHUTDOWN_TIMEOUT', 'soon', /"soon" is not a duration/],
  ];
  for (const [env, text, says] of cases) {
    test(`${env}=${JSON.stringify(text)}`, () => {
      const message = problemsOf({ [env]: text });
      assert.match(message, new RegExp(`^  ${env}: `, 'm'));
      assert.match(message, says);
    });
  }

  test('several invalid variables are reported together, each by name', () => {
    const message = problemsOf({
      PORT: 'eighty',
      HOOKLINE_TIMEOUT_MS: 'abc',
      HOOKLINE_ALLOW_TARGETS: '300.1.1.1/8',
      HOOKLINE_RETRY_SCHEDULE: '5x',
      HOOKLINE_LOG_LEVEL: 'info',
    });
    const lines = message.split('\n');
    assert.equal(lines[0], 'invalid configuration');
    assert.deepEqual(
      lines.slice(1).map((line) => line.trim().split(':')[0]),
      ['PORT', 'HOOKLINE_RETRY_SCHEDULE', 'HOOKLINE_TIMEOUT_MS', 'HOOKLINE_ALLOW_TARGETS'],
    );
  });

  test('the admin token is never echoed in the message', () => {
    assert.doesNotMatch(problemsOf({ HOOKLINE_ADMIN_TOKEN: 'secret' }), /secret/);
    assert.doesNotMatch(problemsOf({ HOOKLINE_ADMIN_TOKEN: 'my very secret token' }), /secret/);
  });
});

describe('parseAdminToken', () => {
  test('accepts a generated-looking token and refuses what no header could carry', () => {
    assert.equal(
      parseAdminToken('hla_mxhKXVV-toPrTeD1V9PmcN9RaZveeSSKAAN5EJI_Csg'),
      'hla_mxhKXVV-toPrTeD1V9PmcN9RaZveeSSKAAN5EJI_Csg',
    );
    assert.throws(() => parseAdminToken(''), /at least 16 characters/);
    assert.throws(() => parseAdminToken('tøken-with-non-ascii'), /printable ASCII/);
    assert.throws(() => parseAdminToken('token\twith\ttabs!!'), /printable ASCII/);
  });
});

describe('unknownSettings', () => {
  test('names HOOKLINE_ variables that are not settings, such as a misspelt one', () => {
    assert.deepEqual(
      unknownSettings({
        HOOKLINE_RETRY_SCHEDUEL: '1s',
        HOOKLINE_RETRY_SCHEDULE: '1s',
        PORT: '1',
        HOME: '/root',
        HOOKLINE_TIMEOUT: '5s',
      }),
      ['HOOKLINE_RETRY_SCHEDUEL', 'HOOKLINE_TIMEOUT'],
    );
    assert.deepEqual(unknownSettings(Object.fromEntries(SETTINGS.map((setting) => [setting.env, 'x']))), []);
  });
});
