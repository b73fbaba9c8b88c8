/** The shapes of the individual's own API, from `@sip/shared`: types only, no schema code in the bundle. */
export type {
  ConsentCategory,
  MyPlanListItem,
  OwnAccessEntry,
  OwnAccessLog,
  OwnConsentDecision,
  OwnGoals,
  OwnPlan,
  OwnSharingDecision,
  PlanStatus,
  Principal,
} from '@sip/shared';
