import assert from 'node:assert/strict';
import type { DirectoryPerson } from '../../src/directory/directory';
import { managementChain, standingIn } from '../../src/directory/management-chain';

const member = (id: string, managerId?: string): DirectoryPerson => ({ id, name: id.toUpperCase(), roles: [], ...(managerId ? { managerId } : {}) });
const people = [member('alex', 'megan'), member('megan', 'isaiah'), member('isaiah'), member('adele', 'isaiah')];
const ids = (chain: readonly DirectoryPerson[]) => chain.map((person) => person.id);

describe('management chain (issue 13: "the line manager, or someone above them")', () => {
  it('walks from the line manager up to the top', () => {
    assert.deepEqual(ids(managementChain(people, 'alex')), ['megan', 'isaiah']);
    assert.deepEqual(ids(managementChain(new Map(people.map((person) => [person.id, person])), 'alex')), ['megan', 'isaiah']);
  });

  it('places the line manager, someone above them, and anyone else (a peer, the requester themselves)', () => {
    const chain = managementChain(people, 'alex');
    assert.deepEqual(['megan', 'isaiah', 'adele', 'alex'].map((id) => standingIn(chain, id)), ['line_manager', 'above_line_manager', 'other', 'other']);
  });

  it('has nobody for someone with no manager, or one the directory does not know', () => {
    assert.deepEqual(managementChain(people, 'isaiah'), []);
    assert.deepEqual(managementChain([member('sam', 'gone')], 'sam'), []);
    assert.equal(standingIn([], 'megan'), 'other');
  });

  it('stops at a loop in a mis-seeded directory, and after 15 levels', () => {
    assert.deepEqual(ids(managementChain([member('a', 'b'), member('b', 'a')], 'a')), ['b']);
    const tall = Array.from({ length: 30 }, (_, i) => member(`p${i}`, `p${i + 1}`));
    assert.equal(managementChain(tall, 'p0').length, 15);
  });
});
