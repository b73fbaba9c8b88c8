import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The least a real deployment sets: an identity provider and both upstreams (demo mode then off). */
const REAL = {
  STAFF_TOKEN_ISSUER: 'https://idp.region.example',
  STAFF_JWKS_URL: 'https://idp.region.example/jwks',
  REGION_FHIR_BASE_URL: 'https://fhir.region.example',
  MUNICIPALITY_FHIR_BASE_URL: 'https://fhir.kommun.example',
};

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set: port 8787, PGlite, demo mode', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8787);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('data');
    expect(config.demoMode).toBe(true);
    expect(config.upstreams.region.baseUrl).toBeUndefined();
    expect(config.allowedOrigins).toEqual([]);
  });

  it('reads every setting it documents', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REGION_FHIR_BASE_URL: 'https://fhir.region.example/r4/',
      REGION_FHIR_AUTH: 'bearer',
      REGION_FHIR_TOKEN: 'secret',
      MUNICIPALITY_FHIR_BASE_URL: 'https://fhir.kommun.example',
      MUNICIPALITY_FHIR_MAX_TRANSACTION_ENTRIES: '8',
      STAFF_TOKEN_ISSUER: 'https://idp.region.example',
      STAFF_JWKS_URL: 'https://idp.region.example/jwks',
      ALLOWED_ORIGINS: 'https://portal.example, https://minasidor.kommun.example',
      LOG_LEVEL: 'warn',
      DEMO_MODE: 'false',
    });
    expect(config.port).toBe(9000);
    expect(config.upstreams.region).toEqual({
      name: 'region',
      baseUrl: 'https://fhir.region.example/r4',
      auth: { kind: 'bearer', token: 'secret' },
      maxTransactionEntries: 4,
    });
    expect(config.upstreams.municipality.maxTransactionEntries).toBe(8);
    expect(config.issuers).toEqual([
      { kind: 'staff', issuer: 'https://idp.region.example', audience: 'sip-broker-staff', jwksUrl: 'https://idp.region.example/jwks' },
    ]);
    expect(config.allowedOrigins).toEqual(['https://portal.example', 'https://minasidor.kommun.example']);
    expect(config.demoMode).toBe(false);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['REGION_FHIR_MAX_TRANSACTION_ENTRIES', { REGION_FHIR_MAX_TRANSACTION_ENTRIES: '0' }],
    ['MUNICIPALITY_FHIR_MAX_TRANSACTION_ENTRIES', { MUNICIPALITY_FHIR_MAX_TRANSACTION_ENTRIES: 'many' }],
    ['REGION_FHIR_BASE_URL', { REGION_FHIR_BASE_URL: 'not a url' }],
    ['REGION_FHIR_TOKEN', { REGION_FHIR_AUTH: 'bearer' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: '*' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://portal.example/path' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['DEMO_MODE', { DEMO_MODE: 'maybe' }],
    ['STAFF_TOKEN_ISSUER', { NODE_ENV: 'production' }],
    ['STAFF_JWKS_URL', { STAFF_TOKEN_ISSUER: 'https://idp.example' }],
    ['STAFF_TOKEN_ISSUER', { DEMO_MODE: 'false', REGION_FHIR_BASE_URL: 'https://r.example', MUNICIPALITY_FHIR_BASE_URL: 'https://m.example' }],
    ['MUNICIPALITY_FHIR_BASE_URL', { DEMO_MODE: 'false', REGION_FHIR_BASE_URL: 'https://r.example', STAFF_TOKEN_ISSUER: 'https://i.example', STAFF_JWKS_URL: 'https://i.example/jwks' }],
  ])('names %s when it is wrong: %j', (variable, env) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toContain(variable);
  });

  it('configures an upstream per municipality besides the built-in two: UPSTREAMS names them, <NAME>_FHIR_… configures each', () => {
    const config = loadConfig({
      DEMO_MODE: 'false',
      STAFF_TOKEN_ISSUER: 'https://idp.region.example',
      STAFF_JWKS_URL: 'https://idp.region.example/jwks',
      REGION_FHIR_BASE_URL: 'https://fhir.region.example',
      MUNICIPALITY_FHIR_BASE_URL: 'https://fhir.norrvik.example',
      UPSTREAMS: 'sodervik, ostra-kommun',
      SODERVIK_FHIR_BASE_URL: 'https://fhir.sodervik.example/r4/',
      SODERVIK_FHIR_AUTH: 'bearer',
      SODERVIK_FHIR_TOKEN: 'their-secret',
      SODERVIK_FHIR_MAX_TRANSACTION_ENTRIES: '10',
      OSTRA_KOMMUN_FHIR_BASE_URL: 'https://fhir.ostra.example',
      ORGANISATIONS: JSON.stringify([
        { id: 'SE2120000099-7KM2', name: 'Söderviks kommun', kind: 'municipality', upstream: 'sodervik' },
        { id: 'SE2120000099-7KM3', name: 'Östra kommun', kind: 'municipality', upstream: 'ostra-kommun' },
        { id: 'SE2120000099-7KM1', name: 'Norrviks kommun', kind: 'municipality' },
      ]),
    });
    expect(Object.keys(config.upstreams)).toEqual(['region', 'municipality', 'sodervik', 'ostra-kommun']);
    expect(config.upstreams.sodervik).toEqual({
      name: 'sodervik',
      baseUrl: 'https://fhir.sodervik.example/r4',
      auth: { kind: 'bearer', token: 'their-secret' },
      maxTransactionEntries: 10,
    });
    expect(config.upstreams['ostra-kommun']).toMatchObject({ baseUrl: 'https://fhir.ostra.example', auth: { kind: 'none' }, maxTransactionEntries: 4 });
    expect(config.organisations.map((o) => o.upstream)).toEqual(['sodervik', 'ostra-kommun', 'municipality']);
  });

  it.each([
    ['UPSTREAMS', { UPSTREAMS: 'Södervik' }],
    ['UPSTREAMS', { UPSTREAMS: 'region' }],
    ['UPSTREAMS', { UPSTREAMS: 'sodervik,sodervik' }],
    ['SODERVIK_FHIR_BASE_URL', { UPSTREAMS: 'sodervik', SODERVIK_FHIR_BASE_URL: 'ftp://x.example' }],
    ['SODERVIK_FHIR_TOKEN', { UPSTREAMS: 'sodervik', SODERVIK_FHIR_AUTH: 'bearer' }],
    ['SODERVIK_FHIR_CLIENT_ID', { UPSTREAMS: 'sodervik', SODERVIK_FHIR_AUTH: 'smart-backend', SODERVIK_FHIR_TOKEN_URL: 'https://t.example' }],
    [
      'SODERVIK_FHIR_BASE_URL',
      {
        DEMO_MODE: 'false',
        UPSTREAMS: 'sodervik',
        REGION_FHIR_BASE_URL: 'https://r.example',
        MUNICIPALITY_FHIR_BASE_URL: 'https://m.example',
        STAFF_TOKEN_ISSUER: 'https://i.example',
        STAFF_JWKS_URL: 'https://i.example/jwks',
      },
    ],
    ['ORGANISATIONS', { ORGANISATIONS: JSON.stringify([{ id: 'SE2120000099-7KM2', name: 'Söderviks kommun', kind: 'municipality', upstream: 'sodervik' }]) }],
  ])('names %s when an upstream is wrong: %j', (variable, env) => {
    expect(problemsOf(env).map((p) => p.variable)).toContain(variable);
  });

  describe('demo mode: only when asked for or when nothing real is configured', () => {
    const idp = { STAFF_TOKEN_ISSUER: 'https://idp.region.example', STAFF_JWKS_URL: 'https://idp.region.example/jwks' };

    it('is on with nothing configured, and when asked for beside upstreams on this machine', () => {
      expect(loadConfig({}).demoMode).toBe(true);
      expect(loadConfig({ DEMO_MODE: 'on', REGION_FHIR_BASE_URL: 'http://127.0.0.1:8101/fhir', PUBLIC_URL: 'http://localhost:8787' }).demoMode).toBe(true);
    });

    it.each([
      ['an upstream', { REGION_FHIR_BASE_URL: 'https://fhir.region.example' }],
      ['an upstream only on this machine', { MUNICIPALITY_FHIR_BASE_URL: 'http://localhost:8102' }],
      ['an identity provider', { ...idp }],
      ['a public address', { PUBLIC_URL: 'https://sip.region.example' }],
    ])('is off, unless asked for, with %s configured', (_what, env: Record<string, string>) => {
      expect(loadConfig({ ...REAL, ...env }).demoMode).toBe(false);
      // Without an identity provider of its own, such a start names what it lacks, rather than minting tokens for anyone.
      if (!env.STAFF_TOKEN_ISSUER) expect(problemsOf(env).map((p) => p.variable)).toContain('STAFF_TOKEN_ISSUER');
    });

    it.each([
      ['REGION_FHIR_BASE_URL', { REGION_FHIR_BASE_URL: 'https://fhir.region.example' }],
      ['SODERVIK_FHIR_BASE_URL', { UPSTREAMS: 'sodervik', SODERVIK_FHIR_BASE_URL: 'https://fhir.sodervik.example' }],
      ['STAFF_TOKEN_ISSUER', idp],
      ['CITIZEN_TOKEN_ISSUER', { CITIZEN_TOKEN_ISSUER: 'https://login.example', CITIZEN_JWKS_URL: 'https://login.example/jwks' }],
      ['PUBLIC_URL', { PUBLIC_URL: 'https://sip.region.example' }],
    ])('is refused when asked for beside %s', (variable, env) => {
      const problems = problemsOf({ DEMO_MODE: 'on', ...env });
      expect(problems.find((p) => p.variable === 'DEMO_MODE')?.message).toContain(variable);
    });

    it('is refused in production, and production without it needs an identity provider', () => {
      expect(problemsOf({ NODE_ENV: 'production', DEMO_MODE: 'on' }).map((p) => p.variable)).toContain('DEMO_MODE');
      expect(problemsOf({ NODE_ENV: 'production' }).map((p) => p.variable)).toContain('STAFF_TOKEN_ISSUER');
    });
  });

  it('gives the FHIR face a canonical base: PUBLIC_URL + /fhir unless FHIR_CANONICAL_BASE names an http(s) URL', () => {
    expect(loadConfig({}).fhirCanonicalBase).toBe('http://localhost:8787/fhir');
    expect(loadConfig({ ...REAL, PUBLIC_URL: 'https://sip.region.example/' }).fhirCanonicalBase).toBe('https://sip.region.example/fhir');
    expect(loadConfig({ ...REAL, PUBLIC_URL: 'https://sip.region.example', FHIR_CANONICAL_BASE: 'https://fhir.sip.example/r4/' }).fhirCanonicalBase).toBe('https://fhir.sip.example/r4');
    for (const value of ['urn:sip-broker', 'ftp://fhir.example', 'not a url']) {
      expect(problemsOf({ FHIR_CANONICAL_BASE: value }).map((p) => p.variable), value).toContain('FHIR_CANONICAL_BASE');
    }
  });

  it('publishes our own systems under FHIR_SYSTEM_BASE, else the canonical base, and recognises FHIR_SYSTEM_BASES_EARLIER and the legacy names', () => {
    expect(loadConfig({ ...REAL, PUBLIC_URL: 'https://sip.region.example' }).fhirSystems.base).toBe('https://sip.region.example/fhir');
    expect(loadConfig({ FHIR_CANONICAL_BASE: 'https://fhir.sip.example/r4' }).fhirSystems.base).toBe('https://fhir.sip.example/r4');
    const systems = loadConfig({
      ...REAL,
      PUBLIC_URL: 'https://new.region.example',
      FHIR_SYSTEM_BASE: 'https://id.region.example/sip/',
      FHIR_SYSTEM_BASES_EARLIER: 'https://old.region.example/fhir, https://older.region.example/fhir/',
    }).fhirSystems;
    expect(systems.base).toBe('https://id.region.example/sip');
    expect(systems.url('urn:sip-broker:plan')).toBe('https://id.region.example/sip/NamingSystem/plan');
    for (const form of ['https://old.region.example/fhir/NamingSystem/plan', 'https://older.region.example/fhir/NamingSystem/plan', 'urn:sip-broker:plan']) {
      expect(systems.isIdentifierSystem(form), form).toBe(true);
    }
    expect(systems.isIdentifierSystem('https://new.region.example/fhir/NamingSystem/plan')).toBe(false);
    for (const value of ['urn:sip-broker', 'ftp://fhir.example', 'https://sip.example/fhir?x=1', 'https://sip.example/fhir#x']) {
      expect(problemsOf({ FHIR_SYSTEM_BASE: value }).map((p) => p.variable), value).toContain('FHIR_SYSTEM_BASE');
    }
    expect(problemsOf({ FHIR_SYSTEM_BASES_EARLIER: 'https://ok.example/fhir,urn:sip-broker' }).map((p) => p.variable)).toContain('FHIR_SYSTEM_BASES_EARLIER');
  });

  it('bounds the lifetime of access tokens: eight hours unless TOKEN_MAX_LIFETIME_SECONDS says otherwise, within a day', () => {
    expect(loadConfig({}).tokenMaxLifetimeSeconds).toBe(8 * 3600);
    expect(loadConfig({ TOKEN_MAX_LIFETIME_SECONDS: '3600' }).tokenMaxLifetimeSeconds).toBe(3600);
    for (const value of ['0', '59', '86401', 'an hour', '1.5']) {
      expect(problemsOf({ TOKEN_MAX_LIFETIME_SECONDS: value }).map((p) => p.variable), value).toContain('TOKEN_MAX_LIFETIME_SECONDS');
    }
  });

  it('holds at most ten connections to a Postgres server unless DATABASE_POOL_MAX says otherwise, from one to 200', () => {
    expect(loadConfig({}).databasePoolMax).toBe(10);
    expect(loadConfig({ DATABASE_POOL_MAX: '32' }).databasePoolMax).toBe(32);
    for (const value of ['0', '201', 'many', '2.5', '-1']) {
      expect(problemsOf({ DATABASE_POOL_MAX: value }).map((p) => p.variable), value).toContain('DATABASE_POOL_MAX');
    }
  });

  it('refuses one audience for both staff and citizen tokens', () => {
    expect(problemsOf({ STAFF_TOKEN_AUDIENCE: 'sip-broker', CITIZEN_TOKEN_AUDIENCE: 'sip-broker' }).map((p) => p.variable)).toContain('CITIZEN_TOKEN_AUDIENCE');
  });

  it('refuses demo mode in production even when asked for', () => {
    expect(problemsOf({ NODE_ENV: 'production', DEMO_MODE: 'true' })).toContainEqual({
      variable: 'DEMO_MODE',
      message: 'demo mode is refused when NODE_ENV=production',
    });
  });
});

describe('ORGANISATIONS', () => {
  const region = { id: 'SE2321000099-R1', name: 'Region Norrland', kind: 'region' };
  const municipality = { id: 'SE2120000099-K1', name: 'Storby kommun', kind: 'municipality', upstream: 'region' };

  it('is empty when unset', () => {
    expect(loadConfig({}).organisations).toEqual([]);
  });

  it('reads a JSON array of organisations; the upstream defaults to the kind', () => {
    const config = loadConfig({ ORGANISATIONS: JSON.stringify([region, municipality]) });
    expect(config.organisations).toEqual([
      { id: 'SE2321000099-R1', name: 'Region Norrland', kind: 'region', upstream: 'region' },
      { id: 'SE2120000099-K1', name: 'Storby kommun', kind: 'municipality', upstream: 'region' },
    ]);
  });

  it.each([
    ['invalid JSON', '[{"id": "SE2321000099-R1",'],
    ['not an array', JSON.stringify(region)],
    ['an id that is not an HSA-id', JSON.stringify([{ ...region, id: 'region-1' }])],
    ['an HSA-id with a trailing newline', JSON.stringify([{ ...region, id: 'SE2321000099-R1\n' }])],
    ['an unknown kind', JSON.stringify([{ ...region, kind: 'county' }])],
    ['an unknown upstream', JSON.stringify([{ ...region, upstream: 'state' }])],
    ['an unknown field', JSON.stringify([{ ...region, url: 'https://r.example' }])],
    ['an empty name', JSON.stringify([{ ...region, name: '  ' }])],
    ['a duplicate id', JSON.stringify([region, { ...municipality, id: region.id }])],
  ])('refuses %s, naming ORGANISATIONS', (_what, value) => {
    const problems = problemsOf({ ORGANISATIONS: value });
    expect(problems.map((p) => p.variable)).toEqual(['ORGANISATIONS']);
  });

  it('says which id is listed twice', () => {
    const problems = problemsOf({ ORGANISATIONS: JSON.stringify([region, { ...municipality, id: region.id }]) });
    expect(problems).toEqual([{ variable: 'ORGANISATIONS', message: `lists ${region.id} twice` }]);
  });

  it('says where an entry is wrong', () => {
    const problems = problemsOf({ ORGANISATIONS: JSON.stringify([region, { ...municipality, id: 'x' }]) });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe('ORGANISATIONS');
    expect(problems[0]?.message).toContain('[1.id]');
    expect(problems[0]?.message).toContain('HSA-id');
  });

  it('throws a ConfigError whose message names ORGANISATIONS', () => {
    expect(() => loadConfig({ ORGANISATIONS: 'not json' })).toThrow(ConfigError);
    expect(() => loadConfig({ ORGANISATIONS: 'not json' })).toThrow(/ORGANISATIONS: must be a JSON array/);
  });
});

describe('addresses that carry tokens, keys or personal data', () => {
  it('must be https, but for one on this machine', () => {
    const problems = problemsOf({
      ...REAL,
      REGION_FHIR_BASE_URL: 'http://fhir.region.example/r4',
      MUNICIPALITY_FHIR_AUTH: 'smart-backend',
      MUNICIPALITY_FHIR_TOKEN_URL: 'http://auth.kommun.example/token',
      MUNICIPALITY_FHIR_CLIENT_ID: 'sip',
      MUNICIPALITY_FHIR_PRIVATE_KEY: JSON.stringify({ kty: 'EC', crv: 'P-384', x: 'x', y: 'y', d: 'd', alg: 'ES384' }),
      STAFF_JWKS_URL: 'http://idp.region.example/jwks',
    });
    const message = 'must be https: only an address on this machine may be plain http';
    for (const variable of ['REGION_FHIR_BASE_URL', 'MUNICIPALITY_FHIR_TOKEN_URL', 'STAFF_JWKS_URL']) expect(problems).toContainEqual({ variable, message });
    expect(() => loadConfig({ ...REAL, REGION_FHIR_BASE_URL: 'http://127.0.0.1:8101/fhir', STAFF_JWKS_URL: 'http://localhost:9000/jwks' })).not.toThrow();
  });
});

describe('the database roles and the access log checkpoints', () => {
  const server = 'postgres://sip_app@db.example:5432/sip';
  it('keeps checkpoints of the embedded database in a file beside it, and those of a server only where configured', () => {
    expect(loadConfig({ DATA_DIR: '/srv/sip' }).accessLogCheckpoints).toEqual({ location: { kind: 'file', path: '/srv/sip/access-log-checkpoints.jsonl' } });
    expect(loadConfig({ DATABASE_URL: server }).accessLogCheckpoints).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: server, ACCESS_LOG_CHECKPOINTS: 'file:///var/lib/sip-audit/checkpoints.jsonl' }).accessLogCheckpoints).toEqual({
      location: { kind: 'file', path: '/var/lib/sip-audit/checkpoints.jsonl' },
    });
    expect(loadConfig({ ACCESS_LOG_CHECKPOINT_INTERVAL_SECONDS: '60' }).accessLogCheckpointIntervalMs).toBe(60_000);
  });

  it("refuses a checkpoint store in the access log's own database, a migration URL without the service's, and a key that cannot sign", () => {
    expect(problemsOf({ DATABASE_URL: server, ACCESS_LOG_CHECKPOINTS: 'postgres://audit@db.example/sip' })).toContainEqual({
      variable: 'ACCESS_LOG_CHECKPOINTS',
      message: "must be a store outside the access log's database: whoever can rewrite the log must not reach its checkpoints",
    });
    expect(() => loadConfig({ DATABASE_URL: server, ACCESS_LOG_CHECKPOINTS: 'postgres://audit@audit.example/checkpoints' })).not.toThrow();
    expect(problemsOf({ DATABASE_MIGRATION_URL: 'postgres://sip_owner@db.example/sip' }).map((p) => p.variable)).toContain('DATABASE_URL');
    expect(problemsOf({ ACCESS_LOG_CHECKPOINTS: 'checkpoints.jsonl' }).map((p) => p.variable)).toContain('ACCESS_LOG_CHECKPOINTS');
    expect(problemsOf({ ACCESS_LOG_CHECKPOINT_KEY: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }) }).map((p) => p.variable)).toContain(
      'ACCESS_LOG_CHECKPOINT_KEY',
    );
    expect(problemsOf({ ACCESS_LOG_CHECKPOINT_KEY: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd', alg: 'RS384' }) })).toContainEqual({
      variable: 'ACCESS_LOG_CHECKPOINT_KEY',
      message: 'the key must carry alg EdDSA, ES256 or ES384',
    });
  });
});

describe('the service entry point', () => {
  it('exits non-zero with a message naming the bad variable', () => {
    const main = fileURLToPath(new URL('../main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { PATH: process.env.PATH, PORT: 'eighty', ALLOWED_ORIGINS: '*' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT: must be a port number/);
    expect(result.stderr).toMatch(/ALLOWED_ORIGINS: '\*' is not allowed/);
    expect(result.stdout).not.toContain('running');
  });
});

describe('SMART_ISSUERS and TOKEN_EXCHANGE_KEY', () => {
  const region = { id: 'SE2321000099-7RG9', name: 'Region Väst', kind: 'region' };
  const ehr = { iss: 'https://ehr.region.example/fhir/', clientId: 'sip-broker', organisationId: region.id, role: 'staff' };
  const key = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd', alg: 'ES256' });
  const real = { ...REAL, ORGANISATIONS: JSON.stringify([region]) };

  it('is empty when unset', () => {
    expect(loadConfig({}).smartIssuers).toEqual([]);
  });

  it('reads the trusted health records, each with its client id, organisation and role, and the key of the exchanged tokens', () => {
    const config = loadConfig({ ...real, SMART_ISSUERS: JSON.stringify([ehr]), TOKEN_EXCHANGE_KEY: key });
    expect(config.smartIssuers).toEqual([{ ...ehr, iss: 'https://ehr.region.example/fhir' }]);
    expect(config.tokenExchangeKey).toMatchObject({ kty: 'EC', alg: 'ES256' });
  });

  it.each([
    ['not JSON', 'SMART_ISSUERS', { SMART_ISSUERS: '[{' }],
    ['plain http off this machine', 'SMART_ISSUERS', { SMART_ISSUERS: JSON.stringify([{ ...ehr, iss: 'http://ehr.region.example/fhir' }]), TOKEN_EXCHANGE_KEY: key }],
    ['an unknown organisation', 'SMART_ISSUERS', { SMART_ISSUERS: JSON.stringify([{ ...ehr, organisationId: 'SE2321000099-7XX1' }]), TOKEN_EXCHANGE_KEY: key }],
    ['a role that may not be given', 'SMART_ISSUERS', { SMART_ISSUERS: JSON.stringify([{ ...ehr, role: 'auditor' }]), TOKEN_EXCHANGE_KEY: key }],
    ['an unknown field', 'SMART_ISSUERS', { SMART_ISSUERS: JSON.stringify([{ ...ehr, secret: 'x' }]), TOKEN_EXCHANGE_KEY: key }],
    ['a record listed twice', 'SMART_ISSUERS', { SMART_ISSUERS: JSON.stringify([ehr, ehr]), TOKEN_EXCHANGE_KEY: key }],
    ['no key outside demo mode', 'TOKEN_EXCHANGE_KEY', { SMART_ISSUERS: JSON.stringify([ehr]) }],
    ['a public key', 'TOKEN_EXCHANGE_KEY', { SMART_ISSUERS: JSON.stringify([ehr]), TOKEN_EXCHANGE_KEY: JSON.stringify({ kty: 'EC', alg: 'ES256' }) }],
    ['a symmetric algorithm', 'TOKEN_EXCHANGE_KEY', { SMART_ISSUERS: JSON.stringify([ehr]), TOKEN_EXCHANGE_KEY: JSON.stringify({ kty: 'oct', k: 'x', d: 'x', alg: 'HS256' }) }],
  ])('is refused with %s, naming %s', (_what, variable, env) => {
    expect(problemsOf({ ...real, ...env }).map((p) => p.variable)).toContain(variable);
  });

  it('needs no key in demo mode, and a health record off this machine is a real setting that refuses demo mode', () => {
    const local = { ...ehr, iss: 'http://127.0.0.1:4000/fhir', organisationId: 'SE2321000099-7RG1' };
    expect(loadConfig({ SMART_ISSUERS: JSON.stringify([local]) }).smartIssuers).toHaveLength(1);
    expect(problemsOf({ DEMO_MODE: 'on', SMART_ISSUERS: JSON.stringify([{ ...local, iss: 'https://ehr.region.example/fhir' }]) }).map((p) => p.variable)).toContain('DEMO_MODE');
  });
});
