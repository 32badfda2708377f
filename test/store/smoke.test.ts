import assert from 'node:assert/strict';
import { freshTables } from '../support/azurite';

describe('azurite fixture', () => {
  it('gives each file empty tables it can write and read', async () => {
    const { tables } = await freshTables();
    await tables.counters.createEntity({ partitionKey: 'p', rowKey: 'r', last: 1 });
    const row = await tables.counters.getEntity<{ last: number }>('p', 'r');
    assert.equal(row.last, 1);
  });
});
