/** Interim shapes of the individual's API, until its schemas are in `@sip/shared`. */
export type Principal = 'region' | 'municipality';
export type ConsentCategory = 'goals' | 'needs' | 'interventions' | 'health-interventions' | 'social-interventions' | 'contacts' | 'meetings' | 'follow-up';
export type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';

export interface MyPlanListItem {
  planId: string;
  title: string | null;
  status: PlanStatus;
  role: 'individual' | 'relative';
}

export interface Contact {
  name: string;
  title?: string;
  unit?: string;
  phone?: string;
}

export interface IndividualPlan {
  planId: string;
  title: string | null;
  status: PlanStatus;
  coordinator: Contact | null;
  outOfHours: string | null;
  individualGoals: { text: string }[];
  individualOwnActions: { text: string }[];
  needs: { text: string }[];
  parts: {
    principal: Principal;
    organisation: string;
    contactPerson?: Contact;
    goals: { text: string }[];
    interventions: { title: string; status: string; performedBy?: string; when?: string; startDate?: string; endDate?: string }[];
  }[];
  otherActorMeasures: { actor: string; measure: string; when?: string }[];
  meetings: { at: string; place?: string }[];
  followUp: { date: string } | null;
  consent: {
    state: 'none' | 'refused' | 'in-force' | 'expired' | 'withdrawn';
    information: ConsentCategory[];
    actors: string[];
    validUntil?: string;
    recordedAt?: string;
  };
  relatives: {
    relativeId: string;
    name: string;
    relationship: { code?: string; text: string };
    sharing: { categories: ConsentCategory[]; validUntil?: string; inEffect: boolean } | null;
  }[];
}

export interface IndividualConsentBody {
  given: true;
  information: ConsentCategory[];
  validUntil?: string;
}
export interface IndividualConsentWithdrawal {
  given: false;
}
export interface IndividualSharingBody {
  categories: ConsentCategory[];
  validUntil?: string;
}
export interface OwnWordsBody {
  individualGoals: { text: string }[];
  individualOwnActions: { text: string }[];
}

export interface IndividualAccessLog {
  items: { at: string; organisation: string | null; role: string; action: string }[];
}
