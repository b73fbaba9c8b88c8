import type { StaffRole } from '@sip/shared';

/** Who is calling, as established by a verified access token. */
export type Principal =
  | {
      kind: 'staff';
      /** The user's HSA-id (token `sub`). */
      userId: string;
      /** The organisation the user acts for (HSA-id, token `org`). */
      organisationId: string;
      role: StaffRole;
      issuer: string;
      /** The user's name, when the token gives one (`name`): for the plan's history, never for authorisation. */
      name?: string;
    }
  | {
      kind: 'citizen';
      /** The person's personnummer or samordningsnummer (token `sub`, from a citizen e-ID login: a relative or the individual). */
      personId: string;
      issuer: string;
    };
