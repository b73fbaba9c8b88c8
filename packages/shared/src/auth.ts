import { z } from 'zod';

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
  persona: z.string().min(1).max(100),
});

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});
