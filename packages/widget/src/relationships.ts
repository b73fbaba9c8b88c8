/**
 * What a relative is to the individual, by its v3-RoleCode, in words: the individual's view says
 * it by these, and the relatives' widget's Swedish dictionary takes its list from here. The
 * widget's other languages keep their own lists, since each language module imports nothing.
 */
import type { Lang } from './locale.ts';

export const svRelationships: Record<string, string> = {
  SPS: 'make eller maka',
  HUSB: 'make',
  WIFE: 'maka',
  DOMPART: 'sambo',
  CHILD: 'barn',
  DAU: 'dotter',
  SON: 'son',
  PRN: 'förälder',
  MTH: 'mamma',
  FTH: 'pappa',
  SIB: 'syskon',
  SIS: 'syster',
  BRO: 'bror',
  GRNDCHILD: 'barnbarn',
  GRNDDAU: 'barnbarn',
  GRNDSON: 'barnbarn',
  FRND: 'vän',
  NBOR: 'granne',
};

export const enRelationships: Record<string, string> = {
  SPS: 'spouse',
  HUSB: 'husband',
  WIFE: 'wife',
  DOMPART: 'partner',
  CHILD: 'child',
  DAU: 'daughter',
  SON: 'son',
  PRN: 'parent',
  MTH: 'mother',
  FTH: 'father',
  SIB: 'sibling',
  SIS: 'sister',
  BRO: 'brother',
  GRNDCHILD: 'grandchild',
  GRNDDAU: 'granddaughter',
  GRNDSON: 'grandson',
  FRND: 'friend',
  NBOR: 'neighbour',
};

export const relationshipNames: Record<Lang, Record<string, string>> = { sv: svRelationships, en: enRelationships };
