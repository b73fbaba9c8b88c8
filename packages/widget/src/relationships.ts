/**
 * What a relative is to the individual, by its v3-RoleCode, in words, as the relatives' widget
 * says it: for the individual's view, which names each of their relatives.
 */
import type { Lang } from './locale.ts';

export const relationshipNames: Record<Lang, Record<string, string>> = {
  sv: {
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
  },
  en: {
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
  },
};
