import { OperationOutcomeError } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './patch.ts';

const patient = () => ({
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Tolvansson', given: ['Tolvan'] }, { family: 'Andra' }],
  address: [{ city: 'Stockholm' }],
});

function refusal(operations: unknown, target: unknown = patient()): string | undefined {
  try {
    applyJsonPatch(target, operations);
  } catch (error) {
    expect(error).toBeInstanceOf(OperationOutcomeError);
    const issue = (error as OperationOutcomeError).outcome.issue?.[0];
    expect(issue?.code).toBe('invalid');
    return issue?.details?.text;
  }
  return undefined;
}

describe('applyJsonPatch', () => {
  it('applies every RFC 6902 operation to a copy', () => {
    const target = patient();
    const patched = applyJsonPatch(target, [
      { op: 'test', path: '/name/0/family', value: 'Tolvansson' },
      { op: 'add', path: '/name/0/given/-', value: 'Mellan' },
      { op: 'add', path: '/name/0/given/0', value: 'Först' },
      { op: 'replace', path: '/name/1/family', value: 'Tredje' },
      { op: 'copy', from: '/address/0', path: '/address/-' },
      { op: 'move', from: '/name/0', path: '/name/1' },
      { op: 'remove', path: '/address/1' },
      { op: 'add', path: '/gender', value: 'male' },
    ]);
    expect(patched).toEqual({
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Tredje' }, { family: 'Tolvansson', given: ['Först', 'Tolvan', 'Mellan'] }],
      address: [{ city: 'Stockholm' }],
      gender: 'male',
    });
    expect(target).toEqual(patient());
  });

  it('evaluates a move target after removing its source', () => {
    const patched = applyJsonPatch({ list: ['a', 'b', 'c'] }, [{ op: 'move', from: '/list/0', path: '/list/2' }]);
    expect(patched).toEqual({ list: ['b', 'c', 'a'] });
    expect(refusal([{ op: 'move', from: '/list/0', path: '/list/3' }], { list: ['a', 'b', 'c'] })).toMatch(
      /not a position/
    );
  });

  it('replaces the whole document through the empty pointer', () => {
    expect(applyJsonPatch(patient(), [{ op: 'replace', path: '', value: { resourceType: 'Patient' } }])).toEqual({
      resourceType: 'Patient',
    });
  });

  it('refuses a body that is not an array of well-formed operations', () => {
    expect(refusal({ op: 'add', path: '/gender', value: 'male' })).toMatch(/JSON array/);
    expect(refusal([{ op: 'frobnicate', path: '/gender' }])).toMatch(/valid "op"/);
    expect(refusal([{ op: 'add', value: 'male' }])).toMatch(/no "path"/);
    expect(refusal([{ op: 'add', path: '/gender' }])).toMatch(/no "value"/);
    expect(refusal([{ op: 'copy', path: '/gender' }])).toMatch(/no "from"/);
    expect(refusal([{ op: 'add', path: 'gender', value: 'male' }])).toMatch(/Invalid JSON pointer/);
    expect(refusal([{ op: 'remove', path: '' }])).toMatch(/whole resource/);
  });

  it('refuses the whole patch when any operation fails', () => {
    expect(
      refusal([
        { op: 'add', path: '/gender', value: 'male' },
        { op: 'test', path: '/name/0/family', value: 'Någon annan' },
      ])
    ).toMatch(/test failed/);
    expect(refusal([{ op: 'remove', path: '/birthDate' }])).toMatch(/not found/);
    expect(refusal([{ op: 'replace', path: '/birthDate', value: '2000-01-01' }])).toMatch(/not found/);
    expect(refusal([{ op: 'add', path: '/contact/0/name', value: {} }])).toMatch(/not found/);
    expect(refusal([{ op: 'add', path: '/name/0/family/x', value: 1 }])).toMatch(/not found/);
    expect(refusal([{ op: 'move', from: '/name', path: '/name/0/x' }])).toMatch(/own child/);
  });

  it('refuses array positions RFC 6902 does not allow', () => {
    expect(refusal([{ op: 'add', path: '/name/3', value: {} }])).toMatch(/not a position/);
    expect(refusal([{ op: 'add', path: '/name/01', value: {} }])).toMatch(/not a position/);
    expect(refusal([{ op: 'replace', path: '/name/2', value: {} }])).toMatch(/not a position/);
    expect(refusal([{ op: 'replace', path: '/name/-', value: {} }])).toMatch(/not a position/);
    expect(refusal([{ op: 'remove', path: '/name/length' }])).toMatch(/not a position/);
    expect(refusal([{ op: 'test', path: '/name/length', value: 2 }])).toMatch(/not a position/);
  });

  it('never reaches inherited members', () => {
    expect(refusal([{ op: 'add', path: '/toString/polluted', value: 1 }])).toMatch(/not found/);
    expect(refusal([{ op: 'add', path: '/__proto__/polluted', value: 1 }])).toMatch(/__proto__/);
    expect(refusal([{ op: 'add', path: '/name/constructor', value: 1 }])).toMatch(/constructor/);
    expect(refusal([{ op: 'remove', path: '/hasOwnProperty' }])).toMatch(/not found/);
    expect((Object.prototype.toString as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
