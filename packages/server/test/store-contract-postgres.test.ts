// The store contract on PostgreSQL: a real server in a temp dir for this file, a fresh database per test.
import { after, before } from 'node:test';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { storeContract } from '../src/store/store.contract.ts';
import { postgresSkip, startPostgres, type TestPostgres } from './support/postgres.ts';

let pgsrv: TestPostgres | undefined;
const skip = postgresSkip();

if (!skip) {
  before(async () => {
    pgsrv = await startPostgres();
  });
  after(() => pgsrv?.stop());
}

storeContract(
  'PostgreSQL',
  async () => {
    const store = await PostgresStore.connect({ url: await (pgsrv as TestPostgres).createDatabase() });
    return { store, close: () => store.close(), listening: () => store.whenListening() };
  },
  { skip },
);
