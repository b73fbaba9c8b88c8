/**
 * What a relative is to the individual, by its v3-RoleCode, in Swedish words: both citizen
 * elements' Swedish dictionaries take their list from here. Their other languages keep their own
 * lists, since each language module imports nothing.
 */

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
