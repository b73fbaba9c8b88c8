/**
 * Follows a plan's event stream (`GET /api/plans/{id}/events`). EventSource cannot send a
 * bearer token, so the stream is read with fetch-event-source: the token in the Authorization
 * header (renewed once on 401), `Last-Event-ID` on every reconnect, a growing wait after errors,
 * and a new connection when the service ends the stream (it does when the token expires: the
 * connection after it is refused with 401, and the token is renewed). When no token can be had,
 * the stream stops and says so.
 */
import { fetchEventSource, type EventSourceMessage } from '@microsoft/fetch-event-source';
import { path, type StaffApi } from '../api.ts';
import { parsePresence, type PresenceData } from './presence.ts';

/** The `data` of a change event: ids and versions only. */
export interface PlanEventData {
  planId: string;
  type: string;
  partId: string | null;
  version: number;
  revision: number;
  organisationId: string;
  at: string;
}

export interface LiveHandlers {
  onChange(event: PlanEventData): void;
  onPresence(presence: PresenceData): void;
  /** The stream is open (again): what happened while it was down has been or is being sent. */
  onOpen?(): void;
  /** The service will not let this user follow the plan (403/404): the stream stops. */
  onRefused?(status: number): void;
  /** No token could be had (the host gave none on renewal): the stream stops. */
  onSessionExpired?(): void;
}

class Fatal extends Error {}
class SessionExpired extends Fatal {}
class Retry extends Error {}

const MIN_WAIT_MS = 1000;
const MAX_WAIT_MS = 30_000;

/** The wait before the `attempt`-th reconnection after an error: doubling, with jitter, at most 30 s. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_WAIT_MS, MIN_WAIT_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function parseChange(data: string): PlanEventData | undefined {
  try {
    const value = JSON.parse(data) as Partial<PlanEventData>;
    if (typeof value?.planId !== 'string' || typeof value.organisationId !== 'string' || typeof value.version !== 'number') return undefined;
    return value as PlanEventData;
  } catch {
    return undefined;
  }
}

/** Starts following; the returned function stops it (call it when the element is disconnected). */
export function followPlan(api: StaffApi, planId: string, handlers: LiveHandlers): () => void {
  const controller = new AbortController();
  let attempt = 0;
  let sentToken: string | undefined;

  const authorisedFetch: typeof fetch = async (input, init) => {
    let token = await api.tokens.current();
    if (!token) throw new SessionExpired('no token');
    const send = (bearer: string) =>
      fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${bearer}` }, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' });
    let response = await send(token);
    if (response.status === 401) {
      token = await api.tokens.renew(token);
      if (!token) throw new SessionExpired('session expired');
      response = await send(token);
    }
    sentToken = token;
    return response;
  };

  void fetchEventSource(api.url(path`/api/plans/${planId}/events`), {
    signal: controller.signal,
    openWhenHidden: true,
    fetch: authorisedFetch,
    async onopen(response) {
      if (response.ok && /text\/event-stream/.test(response.headers.get('content-type') ?? '')) {
        attempt = 0;
        handlers.onOpen?.();
        return;
      }
      if (response.status === 403 || response.status === 404) {
        handlers.onRefused?.(response.status);
        throw new Fatal(`refused ${response.status}`);
      }
      if (response.status === 401 && !(sentToken && (await api.tokens.renew(sentToken)))) throw new SessionExpired('session expired');
      throw new Retry(`HTTP ${response.status}`);
    },
    onmessage(message: EventSourceMessage) {
      if (message.event === 'presence') {
        const presence = parsePresence(message.data);
        if (presence && presence.planId === planId) handlers.onPresence(presence);
        return;
      }
      if (!message.data) return;
      const change = parseChange(message.data);
      if (change && change.planId === planId) handlers.onChange(change);
    },
    onclose() {
      // The service ended the stream (the token expired, or it shuts down): open it again.
      throw new Retry('closed');
    },
    onerror(error: unknown) {
      if (error instanceof Fatal) throw error;
      return backoff(attempt++);
    },
  }).catch((error: unknown) => {
    // Stopped for good (refused, or signed out); the element still works without live updates.
    if (error instanceof SessionExpired && !controller.signal.aborted) handlers.onSessionExpired?.();
  });

  return () => controller.abort();
}
