/**
 * When an accepted commitment comes up for confirmation: plain date arithmetic with no
 * dependencies, so the widget bundle can read it beside the service (`@sip/shared/review-window`).
 */

/** How close to its review date an accepted commitment may be confirmed again. */
export const RECONFIRM_WINDOW_DAYS = 14;

const DAY_MS = 86_400_000;

/** A day (YYYY-MM-DD) plus a number of days, counted in UTC as the service counts them. */
export const addDays = (day: string, days: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** Whole days from one day to another. */
export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The first day an accepted commitment due for review on `reviewDate` can be confirmed again. */
export const reconfirmOpensOn = (reviewDate: string): string => addDays(reviewDate, -RECONFIRM_WINDOW_DAYS);
