import { describe, expect, it } from 'vitest';
import { othersPresent, parsePresence, presenceText } from './presence.ts';

const REGION = 'SE2321000099-7RG1';
const NORRVIK = 'SE2120000099-7KM1';
const SODERVIK = 'SE2120000099-7KM2';
const names = new Map([
  [REGION, 'Region Norrvik'],
  [NORRVIK, 'Norrviks kommun'],
  [SODERVIK, 'Söderviks kommun'],
]);
const nameOf = (id: string) => names.get(id) ?? id;

/** A `presence` event as the service sends it: every open stream of the plan, the reader's own included. */
const event = (organisations: { organisationId: string; count: number }[]) => JSON.stringify({ planId: 'p1', organisations });

describe('who else has the plan open', () => {
  it('names the other organisations, leaving out the reader’s own stream', () => {
    const presence = parsePresence(event([{ organisationId: REGION, count: 1 }, { organisationId: NORRVIK, count: 2 }]));
    expect(presenceText(presence, REGION, nameOf, 'sv')).toBe('Öppen just nu hos: Norrviks kommun');
    expect(presenceText(presence, REGION, nameOf, 'en')).toBe('Open right now at: Norrviks kommun');
  });

  it('counts a colleague in the reader’s own organisation', () => {
    const presence = parsePresence(event([{ organisationId: REGION, count: 2 }, { organisationId: NORRVIK, count: 1 }]));
    expect(othersPresent(presence, REGION)).toEqual([REGION, NORRVIK]);
    expect(presenceText(presence, REGION, nameOf, 'sv')).toBe('Öppen just nu hos: Region Norrvik och Norrviks kommun');
    expect(presenceText(presence, REGION, nameOf, 'en')).toBe('Open right now at: Region Norrvik and Norrviks kommun');
  });

  it('says nothing when the reader is alone, or nothing is known', () => {
    expect(presenceText(parsePresence(event([{ organisationId: REGION, count: 1 }])), REGION, nameOf, 'sv')).toBeUndefined();
    expect(presenceText(parsePresence(event([])), REGION, nameOf, 'sv')).toBeUndefined();
    expect(presenceText(undefined, REGION, nameOf, 'sv')).toBeUndefined();
  });

  it('lists three the way the language does', () => {
    const presence = parsePresence(event([{ organisationId: REGION, count: 1 }, { organisationId: NORRVIK, count: 1 }, { organisationId: SODERVIK, count: 3 }]));
    expect(presenceText(presence, 'SE0000000000-OTHER', nameOf, 'sv')).toBe('Öppen just nu hos: Region Norrvik, Norrviks kommun och Söderviks kommun');
  });

  it('refuses data that is not a presence event', () => {
    for (const data of ['', 'not json', '[]', '{"planId":1,"organisations":[]}', '{"planId":"p","organisations":[{"organisationId":"x","count":-1}]}', '{"planId":"p","organisations":[{"organisationId":"x","count":1.5}]}', '{"planId":"p"}']) {
      expect(parsePresence(data), data).toBeUndefined();
    }
  });
});
