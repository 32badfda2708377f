import assert from 'node:assert/strict';
import type { Directory } from '../../src/directory/directory';
import { createTableDirectory } from '../../src/store/directory-table';
import { findChosenPerson } from '../../src/directory/person-lookup';
import { freshTables } from '../support/azurite';

describe('the person a form names: people picker, then the directory list (Azurite directory)', () => {
  let directory: Directory;

  before(async () => {
    const { tables } = await freshTables();
    directory = createTableDirectory(tables.directory, 0);
    await directory.replaceAll([
      { id: 'aad-megan', name: 'Megan Bowen', roles: [] },
      { id: 'aad-isaiah', name: 'Isaiah Langer', roles: ['incident'] },
      { id: 'aad-sam-1', name: 'Sam Reid', roles: [] },
      { id: 'aad-sam-2', name: 'Sam Reid', roles: [] },
    ]);
  });

  const idOf = async (picked: unknown, listed: unknown) => (await findChosenPerson(directory, picked, listed))?.id;

  it('takes the picker\'s value when it is a directory id (Teams: an Entra object id), over the list', async () => {
    assert.equal(await idOf(' aad-isaiah ', 'aad-megan'), 'aad-isaiah');
  });

  it('maps a display name from the picker when exactly one person has it, in any case', async () => {
    assert.equal(await idOf('isaiah langer', 'aad-megan'), 'aad-isaiah');
  });

  it('falls back to the list when the picker\'s value is unknown (the Agents Playground sends "user-id-3")', async () => {
    assert.equal(await idOf('user-id-3', 'aad-megan'), 'aad-megan');
  });

  it('never guesses between two people of the same name: the list decides', async () => {
    assert.equal(await idOf('Sam Reid', 'aad-megan'), 'aad-megan');
    assert.equal(await idOf('Sam Reid', ''), undefined);
  });

  it('finds no one when neither names someone the directory knows', async () => {
    assert.equal(await idOf('user-id-3', ''), undefined);
    assert.equal(await idOf('user-id-3', 'someone-gone'), undefined);
    assert.equal(await idOf(42, undefined), undefined);
  });

  it('uses the list when the picker is empty or not text', async () => {
    assert.equal(await idOf('  ', 'aad-megan'), 'aad-megan');
    assert.equal(await idOf(['aad-isaiah'], 'aad-megan'), 'aad-megan');
  });
});
