import { z } from 'zod';
import { apiText, apiToken } from './fhir-types.ts';
import { hsaIdSchema } from './identifiers.ts';

/** Roles a staff member can have in the broker. */
export const staffRoleSchema = z.enum(['staff', 'coordinator', 'auditor']);
export type StaffRole = z.infer<typeof staffRoleSchema>;

/** The two kinds of principal (huvudman) and other actors. */
export const organisationKindSchema = z.enum(['region', 'municipality']);
export type OrganisationKind = z.infer<typeof organisationKindSchema>;

export const personaKindSchema = z.enum(['staff', 'individual', 'relative']);

/** A demo persona: someone the demo issuer can mint a token for. */
export const personaSchema = z.object({
  id: z.string(),
  kind: personaKindSchema,
  name: z.string(),
  description: z.string(),
  organisation: z
    .object({ id: z.string(), name: z.string(), kind: organisationKindSchema })
    .optional()
    .describe('For staff: the organisation they act for (HSA-id)'),
  role: staffRoleSchema.optional(),
  hsaId: z.string().optional().describe("For staff: the user's HSA-id"),
  personnummer: z.string().optional().describe('For individuals and relatives'),
});
export type Persona = z.infer<typeof personaSchema>;

export const tokenRequestSchema = z.strictObject({
  persona: apiToken(100),
  expiresIn: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .optional()
    .describe('Seconds the token lives (default 3600): a short-lived token shows what a client does when its token expires'),
});

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

/**
 * The name of a configured upstream FHIR endpoint: `region` and `municipality` always exist;
 * a deployment adds more (`UPSTREAMS`), e.g. one per municipality's case system.
 */
export const upstreamNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lower-case name: letters a-z, digits and -, at most 40, starting with a letter');

/**
 * An organisation the deployment serves as a principal (huvudman): by HSA-id, with its name, its
 * kind, and the configured upstream that holds its records (default: the one of its kind).
 */
export const knownOrganisationSchema = z
  .strictObject({
    id: hsaIdSchema,
    name: apiText(200),
    kind: organisationKindSchema,
    upstream: upstreamNameSchema.optional().describe('The configured upstream that holds its records; default: its kind'),
  })
  .meta({ id: 'KnownOrganisation' });
/** A known organisation as the service holds it: its upstream always named. */
export type KnownOrganisation = Required<z.infer<typeof knownOrganisationSchema>>;
