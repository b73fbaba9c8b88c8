/**
 * `@sip/fhir-peer`: an independent, in-memory HL7 FHIR R4 server over real HTTP.
 *
 * The broker's tests talk to it as their FHIR counterpart, and demo mode starts two of them
 * in-process as the regional health record and the municipal case system.
 *
 * Supported (JSON only, `application/fhir+json`):
 * - `GET [base]/metadata`: a CapabilityStatement (FHIR 4.0.1, mode server).
 * - read, vread, instance history, create, update (also update-as-create with a client id),
 *   JSON Patch, delete (later reads answer 410), with `ETag: W/"<versionId>"`, `Last-Modified`,
 *   and `Location: [base]/Type/id/_history/vid` on 201. Version ids count 1, 2, 3… per resource.
 * - `If-Match` on PUT, PATCH and DELETE (412 when stale), checked atomically with the write;
 *   `If-None-Match` on reads (304); `Prefer: return=minimal|representation|OperationOutcome`.
 * - Conditional create (`If-None-Exist`), conditional update (`PUT [base]/Type?query`),
 *   conditional delete and patch (`DELETE|PATCH [base]/Type?query`): one match acts on it,
 *   several answer 412.
 * - Search by GET or `POST Type/_search`: token, string, date, reference and uri parameters,
 *   `:missing`, `:not`, `:exact`, `:contains`, `reference:identifier`, one level of chaining
 *   (`subject:Patient.identifier=system|value`), `_sort`, `_include`, `_revinclude`,
 *   `_summary=count`, and Patient compartment search (`GET Patient/[id]/[type]`). Paging with
 *   `_count` (default 20, at most 1000) and `_offset`, `Bundle.total`, and absolute
 *   `self`/`first`/`next`/`previous`/`last` links.
 * - `POST [base]` with a transaction Bundle (atomic by default, `urn:uuid:` references resolved,
 *   conditional entries and `ifMatch` honoured) or a batch Bundle (entries independent).
 * - Every write is validated against the R4 structure definitions (cardinality, types, FHIRPath
 *   invariants); invalid resources, a body whose type does not match the URL, and malformed JSON
 *   answer 400 with an OperationOutcome. Unknown types and ids answer 404.
 * - Simulated faults (`down`, `slow`, `error`, `garbage`) and added latency.
 * - Strict behaviours of a real server (Medplum server 4.5 on Postgres), all off by default, set as
 *   options of `createFhirPeer` or at run time with `setStrictness`, `failNextWrites` and
 *   `throttleNext`, and counted in `strictnessCounters`:
 *   - `transactions: 'batch'`: a transaction Bundle runs as Medplum runs it without atomic
 *     transactions. Every entry runs on its own (placeholders, conditional entries and `ifMatch`
 *     still work) and the answer is 200 with a `transaction-response` whose failed entries carry
 *     their own non-2xx `response.status` and `response.outcome`. An entry that refers to the
 *     placeholder of a failed create is stored with a dangling reference, as Medplum stores it.
 *   - `maxTransactionEntries`: an atomic transaction that needs strict isolation (a conditional
 *     create, update or delete) and has more entries is refused with 400 and writes nothing
 *     (diagnostics "Transaction requires strict isolation but has too many entries"; Medplum's
 *     limit is 8). Other transactions are not limited, as in Medplum.
 *   - `serializationFailures: { next, every }` and `failNextWrites(n)`: chosen writes answer 409 with
 *     code `conflict` and "could not serialize access due to read/write dependencies among
 *     transactions", as Medplum answers Postgres' SQLSTATE 40001. In an atomic transaction this
 *     fails the whole transaction; in a batch, or a transaction in `batch` mode, only that entry.
 *   - `rateLimit: { retryAfterSeconds, next? }` and `throttleNext(n, seconds)`: requests answer 429
 *     with `Retry-After` and an OperationOutcome with code `throttled`.
 *
 * Not supported (answered with 400, 404, 405 or 415 rather than ignored): XML request bodies
 * (responses are always JSON), system-wide and type-level history, system-wide search,
 * number/quantity/composite/special search parameters, `_has`, chains deeper than one level,
 * `:iterate`, `_cursor`, terminology-aware modifiers (`:in`, `:below`, `:above`, `:text`,
 * `:of-type`), compartments other than Patient, FHIRPath Patch, `$operations`.
 * Ignored as a real server may: `_elements`, `_summary=true|text|data`, `_total` (the total is
 * always exact). Token matching ignores case (as Medplum's matcher does). Terminology bindings
 * are not checked, and references to other resources need not resolve (except `urn:uuid:`
 * placeholders, which must be resolved within their transaction).
 *
 * - With the `smart` option, a SMART App Launch authorisation server as a health record has one:
 *   `[base]/.well-known/smart-configuration`, `GET [base]/auth/authorize` (registered public
 *   clients, exact redirect URIs, `state`, PKCE S256 required, `aud` must be the FHIR base; an EHR
 *   launch is approved for the practitioner its `launch` is bound to, a standalone one for the user
 *   set with `setStandaloneUser`), `POST [base]/auth/token` (single-use codes, short-lived; errors as
 *   RFC 6749 §5.2 JSON; an ES256 `id_token` with `fhirUser`), `[base]/auth/jwks`, and for tests and
 *   the demo `POST [base]/auth/launch` and `POST [base]/auth/standalone` with
 *   `{ "practitioner": id, "patient": id }`. Resource scopes are recorded, not enforced.
 *
 * The peer writes nothing to the console.
 */
export type { FaultMode } from './faults.ts';
export type { FhirPeer, FhirPeerOptions, ListenOptions, PeerServer } from './peer.ts';
export type {
  RateLimit,
  SerializationFailures,
  Strictness,
  StrictnessCounters,
  StrictnessOptions,
  TransactionMode,
} from './strictness.ts';
export { createFhirPeer } from './peer.ts';
export type { PeerState, ResourceVersion } from './repository.ts';
export { PeerRepository } from './repository.ts';
export { MAX_PAGE_SIZE } from './paging.ts';
export type { LaunchContext, SmartClient, SmartGrant, SmartOptions, SmartServer } from './smart.ts';
export type { SmartAuthorization, SmartAuthorizeRequest } from './smart-login.ts';
export { smartAuthorize, smartRedeem } from './smart-login.ts';
