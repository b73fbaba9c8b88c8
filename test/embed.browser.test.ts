import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAxe } from './support/axe.ts';
import type { Bundle, Consent, Resource, Task } from '@medplum/fhirtypes';
import { createTestIssuer, startTestPeers, TEST_SYSTEM_BASE, type TestIssuer, type TestPeers } from '@sip/api/test-support';
import type { MyCommitment, MyPlan, PlanView } from '@sip/shared';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, type WidgetBuildResult } from '../packages/widget/build.mjs';
import { collectPageErrors, launchBrowser } from './support/browser.ts';
import {
  currentWidget,
  demoTokens,
  norrvikPortal,
  startPortal,
  vardguidenPortal,
  type Portal,
  type PortalDesign,
} from './support/portal.ts';
import { freePort, mintToken, runBuild, startService, type ServiceProcess } from './support/service.ts';

/**
 * Embedding <sip-relative-view> as a portal does, end to end: the real service as a child
 * process with its own FHIR upstreams, portals on their own loopback origins that load the
 * module from the service under its versioned URL with Subresource Integrity, and sign a
 * relative in through their own server's token callback. One Chromium for the file.
 */

let browser: Browser;
let build: WidgetBuildResult;
let distDir: string;
const contexts: BrowserContext[] = [];
const cleanups: (() => Promise<unknown> | void)[] = [];

beforeAll(async () => {
  // The build under test in a folder of its own: the service serves exactly these bytes.
  distDir = mkdtempSync(join(tmpdir(), 'sip-embed-dist-'));
  [build, browser] = await Promise.all([buildWidget({ outDir: distDir }), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(distDir, { recursive: true, force: true });
});

interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
}

/** A page and what it reported: console errors, page errors, CSP and Trusted Types violations, requests. */
interface Watched {
  page: Page;
  errors: string[];
  violations: Violation[];
  requests: Request[];
}

/** Reports every `securitypolicyviolation` (CSP and Trusted Types) to the test, from before the page's own scripts run. */
const VIOLATION_LISTENER = `document.addEventListener('securitypolicyviolation', (event) => {
  window.reportViolation({ directive: event.effectiveDirective, blockedURI: event.blockedURI, sample: event.sample });
}, true);`;

async function openPage(): Promise<Watched> {
  // A context per page: nothing stored, no cache, no cookie from another test.
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const watched: Watched = { page, errors: collectPageErrors(page), violations: [], requests: [] };
  await page.exposeFunction('reportViolation', (violation: Violation) => watched.violations.push(violation));
  await page.addInitScript(VIOLATION_LISTENER);
  page.on('request', (request) => watched.requests.push(request));
  return watched;
}

async function signIn(page: Page, portal: Portal, label: string, button: string, name: string) {
  await page.goto(portal.url);
  await page.getByLabel(label).selectOption({ label: name });
  await page.getByRole('button', { name: button }).click();
}

/** The widget's commitment card with this heading. */
const commitmentCard = (page: Page, what: string): Locator =>
  page.locator('[part~="commitment"]').filter({ has: page.getByRole('heading', { name: what }) });

const utcDate = (day: string) => new Intl.DateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const today = () => new Date().toISOString().slice(0, 10);

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function fhirSearch<T extends Resource>(base: string, query: string): Promise<T[]> {
  const res = await fetch(`${base}/${query}${query.includes('?') ? '&' : '?'}_count=1000`);
  if (res.status !== 200) throw new Error(`${base}/${query}: HTTP ${res.status}`);
  return ((await res.json()) as Bundle).entry?.map((e) => e.resource as T) ?? [];
}

/** Whether a token appears anywhere the page shows or stores: its HTML, its element's shadow DOM, cookies, web storage. */
async function tokenLeaks(page: Page, tokens: string[]) {
  return page.evaluate((tokens) => {
    const element = document.querySelector('sip-relative-view');
    const html = document.documentElement.outerHTML + (element?.shadowRoot?.innerHTML ?? '');
    return {
      inHtml: tokens.some((t) => html.includes(t)),
      inUrl: tokens.some((t) => location.href.includes(t)),
      cookie: document.cookie,
      storage: localStorage.length + sessionStorage.length,
    };
  }, tokens);
}

describe('two portals embed the widget, against the service in demo mode', () => {
  let service: ServiceProcess;
  let dataDir: string;
  let norrvik: Portal;
  let vardguiden: Portal;
  let upstreams: { region: string; municipality: string };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-embed-'));
    service = await startService({ DATA_DIR: dataDir, WIDGET_DIST_DIR: distDir, FHIR_SYSTEM_BASE: TEST_SYSTEM_BASE }, undefined, runBuild());
    cleanups.push(() => service.stop(), () => rmSync(dataDir, { recursive: true, force: true }));
    const people = ['erik', 'bengt', 'maria'].map((id) => ({
      id,
      name: { erik: 'Erik Johansson', bengt: 'Bengt Nilsson', maria: 'Maria Nilsson' }[id]!,
    }));
    const portal = (design: PortalDesign) => startPortal({ serviceUrl: service.url, design, people, issueToken: demoTokens(service.url) });
    [norrvik, vardguiden] = await Promise.all([portal(norrvikPortal), portal(vardguidenPortal)]);
    cleanups.push(() => norrvik.close(), () => vardguiden.close());
    // The service names its demo FHIR upstreams: real FHIR servers the plans are published to.
    const upstream = (side: string) => new RegExp(`Demo ${side} FHIR upstream: (\\S+)`).exec(service.output())?.[1];
    upstreams = { region: upstream('region')!, municipality: upstream('municipality')! };
    expect(upstreams.region).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(upstreams.municipality).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  /** The relative's own view of their plan, read with a token minted by the test. */
  async function myPlan(persona: string): Promise<MyPlan> {
    const token = await mintToken(service.url, persona);
    const list = await getJson<{ items: { planId: string }[] }>(`${service.url}/api/me/plans`, token);
    return getJson<MyPlan>(`${service.url}/api/me/plans/${list.items[0]!.planId}`, token);
  }

  async function myCommitment(persona: string, id: string): Promise<MyCommitment> {
    return (await myPlan(persona)).me.commitments.find((c) => c.id === id)!;
  }

  /** The commitment as the coordinator sees it in the plan: its whole history, staff's and the relative's. */
  async function staffCommitment(planId: string, commitmentId: string) {
    const plan = await getJson<PlanView>(`${service.url}/api/plans/${planId}`, await mintToken(service.url, 'region-coordinator'));
    return plan.relativesSection.relatives.flatMap((r) => r.commitments ?? []).find((c) => c.id === commitmentId)!;
  }

  /** What each upstream holds of one commitment: its Task (status, review date) and the relative's Consent to it. */
  async function published(planId: string, commitmentId: string) {
    const sides = {} as Record<'region' | 'municipality', { task: string | undefined; review: string | undefined; consent: string | undefined; consentAt: string | undefined }>;
    for (const side of ['region', 'municipality'] as const) {
      const tasks = await fhirSearch<Task>(upstreams[side], `Task?identifier=https://sip.example/fhir/NamingSystem/commitment|${planId}/${commitmentId}`);
      const consents = await fhirSearch<Consent>(upstreams[side], `Consent?identifier=https://sip.example/fhir/NamingSystem/commitment-consent|${planId}/${commitmentId}`);
      expect(tasks.length, `${side}: one Task per commitment`).toBeLessThanOrEqual(1);
      expect(consents.length, `${side}: one Consent per commitment`).toBeLessThanOrEqual(1);
      sides[side] = {
        task: tasks[0]?.status,
        review: tasks[0]?.extension?.find((e) => e.url === 'https://sip.example/fhir/StructureDefinition/review-date')?.valueDate,
        consent: consents[0]?.status,
        consentAt: consents[0]?.dateTime,
      };
    }
    return sides;
  }

  /** Waits until both upstreams hold what is expected: the outbox publishes within a second or two. */
  async function expectPublished(planId: string, commitmentId: string, expected: { task: string; review?: string; consent?: string; consentAt?: string }) {
    const want = { task: expected.task, review: expected.review ?? expect.any(String), consent: expected.consent, consentAt: expected.consentAt ?? (expected.consent ? expect.any(String) : undefined) };
    await expect.poll(() => published(planId, commitmentId), { timeout: 20_000, interval: 250 }).toEqual({ region: want, municipality: want });
  }

  /** The Task each upstream holds for the principal responsible for the plan about this commitment, if any. */
  async function attentionTask(planId: string, commitmentId: string, code: string) {
    const out: Record<string, { status: string | undefined; owner: string | undefined } | undefined> = {};
    for (const side of ['region', 'municipality'] as const) {
      const [commitmentTask] = await fhirSearch<Task>(upstreams[side], `Task?identifier=https://sip.example/fhir/NamingSystem/commitment|${planId}/${commitmentId}`);
      const tasks = commitmentTask ? await fhirSearch<Task>(upstreams[side], `Task?focus=Task/${commitmentTask.id}`) : [];
      const task = tasks.find((t) => t.code?.coding?.some((c) => c.code === code));
      out[side] = task ? { status: task.status, owner: task.owner?.display } : undefined;
    }
    return out;
  }

  /** The requests to the service that carried a token: each must be to the service, with a token the portal's server issued. */
  function bearerRequests(watched: Watched) {
    return Promise.all(
      watched.requests.map(async (request) => ({ url: request.url(), authorization: await request.headerValue('authorization') })),
    ).then((all) => all.filter((r) => r.authorization !== null));
  }

  /** The token went to the service only, as the portal's server issued it, and is nowhere in the page's URLs, HTML or storage. */
  async function expectTokenKeptInMemory(watched: Watched, portal: Portal) {
    expect(portal.issued.length).toBeGreaterThan(0);
    const withToken = await bearerRequests(watched);
    expect(withToken.length).toBeGreaterThan(0);
    for (const request of withToken) {
      expect(new URL(request.url).origin, 'a token goes to api-base only').toBe(new URL(service.url).origin);
      expect(portal.issued.map((t) => `Bearer ${t}`)).toContain(request.authorization);
    }
    expect(watched.requests.filter((r) => portal.issued.some((t) => r.url().includes(t))).map((r) => r.url())).toEqual([]);
    // The portal's session cookie is HttpOnly: the page's script sees no cookie at all.
    expect(await tokenLeaks(watched.page, portal.issued)).toEqual({ inHtml: false, inUrl: false, cookie: '', storage: 0 });
  }

  /** The module request: the versioned URL, fetched in CORS mode from the portal's origin, allowed for it. */
  async function expectModuleLoadedCrossOrigin(watched: Watched, portal: Portal) {
    const widget = await currentWidget(service.url);
    expect(widget).toMatchObject({ hash: build.hash, integrity: build.integrity });
    const moduleRequests = watched.requests.filter((r) => r.url().includes('/widget/') && r.url().endsWith('/sip-relative-view.js'));
    expect(moduleRequests.map((r) => r.url())).toEqual([`${service.url}${widget.path}`]);
    const request = moduleRequests[0]!;
    expect(await request.headerValue('origin')).toBe(portal.origin);
    expect(await request.headerValue('sec-fetch-mode')).toBe('cors');
    const response = (await request.response())!;
    expect(response.status()).toBe(200);
    expect(await response.headerValue('access-control-allow-origin')).toBe(portal.origin);
    expect(await response.headerValue('cache-control')).toBe('public, max-age=31536000, immutable');
    const script = await watched.page.evaluate(() => {
      const tag = document.querySelector<HTMLScriptElement>('script[integrity]');
      return { src: tag?.src, integrity: tag?.integrity, crossOrigin: tag?.crossOrigin, defined: customElements.get('sip-relative-view') !== undefined };
    });
    expect(script).toEqual({ src: `${service.url}${widget.path}`, integrity: widget.integrity, crossOrigin: 'anonymous', defined: true });
  }

  it('answers the module, widget.json and the API with CORS for loopback portals, and for no other origin', async () => {
    const widget = await currentWidget(service.url);
    const token = await mintToken(service.url, 'erik');
    const resources = [
      { path: '/widget/sip-relative-view.js', init: {} },
      { path: widget.path, init: {} },
      { path: '/widget/widget.json', init: {} },
      { path: '/api/me/plans', init: { headers: { Authorization: `Bearer ${token}` } } },
    ];
    const allowed = [norrvik.origin, vardguiden.origin, `http://localhost:${new URL(norrvik.url).port}`, 'http://[::1]:8443'];
    const refused = ['https://evil.example', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example:8080', 'https://portal.example.se', 'null'];
    for (const { path, init } of resources) {
      for (const origin of [...allowed, ...refused]) {
        const res = await fetch(`${service.url}${path}`, { ...init, headers: { ...init.headers, Origin: origin } });
        expect(res.status, `${path} from ${origin}`).toBe(200);
        expect(res.headers.get('access-control-allow-origin'), `${path} from ${origin}`).toBe(allowed.includes(origin) ? origin : null);
        // The answer depends on the Origin: a shared cache must not hand one portal's answer to another.
        expect(res.headers.get('vary') ?? '', `${path} from ${origin}`).toMatch(/\bOrigin\b/);
        await res.arrayBuffer();
      }
    }
    // The module may be embedded on another site; the API stays same-site for no-cors loads.
    const module = await fetch(`${service.url}${widget.path}`);
    expect(module.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const api = await fetch(`${service.url}/api/me/plans`, { headers: { Authorization: `Bearer ${token}` } });
    expect(api.headers.get('cross-origin-resource-policy')).toBe('same-site');

    // The preflight of an answer: allowed for a portal, and no allowed origin for anyone else.
    const preflight = (origin: string) =>
      fetch(`${service.url}/api/me/plans/00000000-0000-4000-8000-000000000000/commitments/c1/answer`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key' },
      });
    const ok = await preflight(norrvik.origin);
    expect(ok.headers.get('access-control-allow-origin')).toBe(norrvik.origin);
    expect(ok.headers.get('access-control-allow-methods')?.split(',')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']),
    );
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
    for (const origin of refused) expect((await preflight(origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
  });

  it('Mina sidor, Norrviks kommun (strict CSP, Trusted Types): Erik views his father’s plan, accepts, withdraws and confirms again', async () => {
    const before = await myPlan('erik');
    const [requested, due] = before.me.commitments;
    expect(requested).toMatchObject({ status: 'requested' });
    expect(due).toMatchObject({ status: 'accepted' });
    expect(due!.currentReviewDate <= addDays(today(), 14)).toBe(true);
    expect(before.responsible).toMatchObject({ principal: 'region', organisation: 'Region Norrvik' });
    const watched = await openPage();
    const { page } = watched;

    // Signed in with the portal's own e-ID session; the page hands the element its token callback.
    await signIn(page, norrvik, 'Logga in med e-legitimation som', 'Logga in', 'Erik Johansson');
    await page.getByText('Inloggad som Erik Johansson').waitFor();
    await page.getByRole('heading', { level: 2, name: /^SIP för / }).waitFor();
    await expectModuleLoadedCrossOrigin(watched, norrvik);
    expect(norrvik.tokenRequests[0]).toEqual({ renew: false });

    // View: the plan, its coordinator, what Karl shares with Erik (goals and the follow-up, not who does what).
    await page.getByRole('heading', { level: 2, name: 'SIP för Karl Johansson' }).waitFor();
    await page.getByText(`${before.coordinator!.name}, ${before.coordinator!.title}`).first().waitFor();
    expect(before.coordinator!.name).toBe('Sara Lind');
    // The plan names no out-of-hours guidance of its own: the widget gives the general one.
    expect(before.outOfHours).toBeNull();
    await page.getByText('Ring 1177 för råd om vård, dygnet runt. Ring 112 om det är akut.', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Det här får du se av planen' }).waitFor();
    await page.getByText('Orka gå till affären själv igen').waitFor();
    expect(before.shared.goals?.individual.map((g) => g.text)).toEqual(['Orka gå till affären själv igen']);
    // Karl's follow-up date has passed (the demo keeps one due): not called the next one.
    expect(before.shared.followUp!.date < new Date().toISOString().slice(0, 10)).toBe(true);
    await page.getByRole('heading', { name: 'Uppföljning', exact: true }).waitFor();
    await page.getByText(/Uppföljningen var planerad till .* Samordnaren hör av sig om en ny tid\./).waitFor();
    expect(await page.getByRole('heading', { name: 'Vem gör vad' }).count()).toBe(0);
    expect(await page.getByText('Psykiatrisk öppenvård').count()).toBe(0);

    // Accept the requested commitment.
    const first = commitmentCard(page, requested!.what);
    await first.getByText('Väntar på ditt svar').waitFor();
    await first.getByRole('button', { name: 'Tacka ja' }).click();
    await first.getByText('Du har tackat ja').waitFor();
    await first.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    await page.getByText('Mina sidor: ditt svar är registrerat (accepted).').waitFor();
    expect((await myCommitment('erik', requested!.id)).status).toBe('accepted');
    expect((await staffCommitment(before.planId, requested!.id)).history.map((h) => [h.by, h.status])).toEqual([
      ['staff', 'requested'],
      ['relative', 'accepted'],
    ]);
    await expectPublished(before.planId, requested!.id, { task: 'accepted', consent: 'active' });

    // Withdraw it: the dialog names the principal responsible for the plan, who must re-plan; confirm.
    expect(before.responsible).toEqual({ principal: 'region', organisation: 'Region Norrvik' });
    await first.getByRole('button', { name: 'Avsluta åtagandet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Vill du avsluta åtagandet?' });
    await dialog.waitFor();
    await dialog.getByText(requested!.what).waitFor();
    await dialog.getByText('Region Norrvik, som ansvarar för planen, får veta det och måste planera om, så att hjälpen blir av på annat sätt.', { exact: false }).waitFor();
    await dialog.getByRole('textbox', { name: 'Vill du säga något om varför? (frivilligt)' }).fill('Jag har fått nytt jobb med andra tider');
    await dialog.getByRole('button', { name: 'Ja, avsluta åtagandet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await first.getByText('Du har avslutat åtagandet').waitFor();
    await first.getByText('Region Norrvik, som ansvarar för planen, har fått veta det och planerar om', { exact: false }).waitFor();
    await page.getByText('Mina sidor: ditt svar är registrerat (withdrawn).').waitFor();
    const withdrawn = await myCommitment('erik', requested!.id);
    expect(withdrawn.status).toBe('withdrawn');
    expect((await staffCommitment(before.planId, requested!.id)).history.map((h) => [h.by, h.status, h.comment])).toEqual([
      ['staff', 'requested', undefined],
      ['relative', 'accepted', undefined],
      ['relative', 'withdrawn', 'Jag har fått nytt jobb med andra tider'],
    ]);
    await expectPublished(before.planId, requested!.id, { task: 'cancelled', consent: 'inactive', consentAt: withdrawn.history.at(-1)!.at });
    // Both upstreams hold a Task to the principal responsible for the plan, to re-plan.
    await expect
      .poll(() => attentionTask(before.planId, requested!.id, 'commitment-withdrawn'), { timeout: 20_000, interval: 250 })
      .toEqual({ region: { status: 'requested', owner: 'Region Norrvik' }, municipality: { status: 'requested', owner: 'Region Norrvik' } });

    // Confirm again the commitment that is up for review.
    const second = commitmentCard(page, due!.what);
    await second.getByText(`Dags att stämma av: kan du fortsätta med det här? Senast ${utcDate(due!.currentReviewDate)}.`).waitFor();
    await second.getByRole('button', { name: 'Ja, jag fortsätter' }).click();
    await second.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    await second.getByText('Du har tackat ja').waitFor();
    await page.getByText('Mina sidor: ditt svar är registrerat (reconfirmed).').waitFor();
    const reconfirmed = await myCommitment('erik', due!.id);
    expect(reconfirmed.status).toBe('accepted');
    expect(reconfirmed.history.map((h) => h.status)).toEqual(['requested', 'accepted', 'reconfirmed']);
    const next = reconfirmed.history.at(-1)!.reviewDate!;
    expect(reconfirmed.currentReviewDate).toBe(next);
    // Confirmed: the next review lies beyond the window, so the question is gone.
    expect(next > addDays(today(), 14)).toBe(true);
    await second.getByText(`Du blir tillfrågad igen från ${utcDate(addDays(next, -14))}.`).waitFor();
    expect(await second.getByRole('button', { name: 'Ja, jag fortsätter' }).count()).toBe(0);
    await second.getByText('Dina svar hittills (3)').click();
    await second.getByText(`Du bekräftade att du fortsätter, nästa avstämning ${utcDate(next)}`).waitFor();
    expect((await staffCommitment(before.planId, due!.id)).history.map((h) => [h.by, h.status])).toEqual([
      ['staff', 'requested'],
      ['relative', 'accepted'],
      ['relative', 'reconfirmed'],
    ]);
    await expectPublished(before.planId, due!.id, { task: 'accepted', review: next, consent: 'active', consentAt: reconfirmed.history.at(-1)!.at });

    // A reload shows it all as saved.
    await page.reload();
    await commitmentCard(page, requested!.what).getByText('Du har avslutat åtagandet').waitFor();
    await commitmentCard(page, due!.what).getByText('Dina svar hittills (3)').waitFor();

    await expectTokenKeptInMemory(watched, norrvik);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('Vårdguiden (a 1177-like portal, its own look): Bengt views his wife’s plan, accepts, withdraws and confirms again', async () => {
    const before = await myPlan('bengt');
    const [requested] = before.me.commitments;
    expect(requested).toMatchObject({ status: 'requested' });
    // The coordinator proposes a commitment that started three months ago and is up for review in a week.
    const staffToken = await mintToken(service.url, 'municipality-coordinator');
    const section = await fetch(`${service.url}/api/plans/${before.planId}/relatives`, { headers: { Authorization: `Bearer ${staffToken}` } });
    expect(section.status).toBe(200);
    const proposedRes = await fetch(`${service.url}/api/plans/${before.planId}/relatives/${before.me.relativeId}/commitments`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${staffToken}`, 'content-type': 'application/json', 'If-Match': section.headers.get('etag')! },
      body: JSON.stringify({ what: 'Hämta ut Astrids läkemedel på apoteket', howOften: 'Varannan vecka', from: addDays(today(), -83), reviewDate: addDays(today(), 7) }),
    });
    expect(proposedRes.status, await proposedRes.clone().text()).toBe(201);
    const proposed = (await proposedRes.json()) as { id: string; what: string };

    const watched = await openPage();
    const { page } = watched;
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, vardguiden, 'Välj vem du är', 'Fortsätt', 'Bengt Nilsson');
    await page.getByRole('heading', { level: 1, name: 'Min vårdplan' }).waitFor();
    await page.getByRole('heading', { level: 2, name: /^SIP för / }).waitFor();
    await expectModuleLoadedCrossOrigin(watched, vardguiden);

    // View: Astrid shares goals, who does what, contacts and the follow-up with Bengt, who lives with her.
    const title = page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' });
    await title.waitFor();
    await page.getByText(`${before.coordinator!.name}, ${before.coordinator!.title}`).first().waitFor();
    expect(before.coordinator!.name).toBe('Karin Ek');
    await page.getByText('Kunna bo kvar hemma med Bengt').waitFor();
    await page.getByRole('heading', { name: 'Vem gör vad' }).waitFor();
    await page.getByText('Hemsjukvård: insulin morgon och kväll').waitFor();
    await page.getByText('Hemtjänst: hjälp med dusch två gånger i veckan').waitFor();

    // The portal's look reaches into the element: its font, its colours, its ::part rules, its column.
    const look = await page.evaluate(() => {
      const element = document.querySelector('sip-relative-view')!;
      const root = element.shadowRoot!;
      const style = (el: Element | null) => (el ? getComputedStyle(el) : undefined);
      const box = element.getBoundingClientRect();
      return {
        bodyFont: getComputedStyle(document.body).fontFamily,
        textFont: style(root.querySelector('p'))?.fontFamily,
        headingFont: style(root.querySelector('[part~="heading"]'))?.fontFamily,
        headingColor: style(root.querySelector('[part~="heading"]'))?.color,
        background: style(element)?.backgroundColor,
        primary: style(root.querySelector('.button.primary'))?.backgroundColor,
        radius: style(root.querySelector('.button.primary'))?.borderTopLeftRadius,
        width: box.width,
        overflow: root.querySelector('[part~="base"]')!.scrollWidth - root.querySelector('[part~="base"]')!.clientWidth,
      };
    });
    expect(look).toEqual({
      bodyFont: '"DejaVu Serif", Georgia, serif',
      textFont: '"DejaVu Serif", Georgia, serif',
      headingFont: '"DejaVu Sans", Verdana, sans-serif',
      headingColor: 'rgb(0, 54, 95)',
      background: 'rgb(246, 249, 252)',
      primary: 'rgb(0, 85, 149)',
      radius: '32px',
      width: 512,
      overflow: 0,
    });

    // Accept the requested commitment, then withdraw it.
    const first = commitmentCard(page, requested!.what);
    await first.getByRole('button', { name: 'Tacka ja' }).click();
    await first.getByText('Du har tackat ja').waitFor();
    await first.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    expect((await myCommitment('bengt', requested!.id)).status).toBe('accepted');
    await expectPublished(before.planId, requested!.id, { task: 'accepted', consent: 'active' });

    await first.getByRole('button', { name: 'Avsluta åtagandet' }).click();
    const dialog = page.getByRole('dialog', { name: 'Vill du avsluta åtagandet?' });
    await dialog.getByText('måste planera om', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Ja, avsluta åtagandet' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await first.getByText('Du har avslutat åtagandet').waitFor();
    const withdrawn = await myCommitment('bengt', requested!.id);
    expect(withdrawn.history.map((h) => h.status)).toEqual(['requested', 'accepted', 'withdrawn']);
    await expectPublished(before.planId, requested!.id, { task: 'cancelled', consent: 'inactive', consentAt: withdrawn.history.at(-1)!.at });
    expect(before.responsible).toMatchObject({ principal: 'municipality', organisation: 'Norrviks kommun' });
    await expect
      .poll(() => attentionTask(before.planId, requested!.id, 'commitment-withdrawn'), { timeout: 20_000, interval: 250 })
      .toEqual({ region: { status: 'requested', owner: 'Norrviks kommun' }, municipality: { status: 'requested', owner: 'Norrviks kommun' } });

    // The commitment up for review: accept it, and confirm it again.
    const third = commitmentCard(page, proposed.what);
    await third.getByRole('button', { name: 'Tacka ja' }).click();
    await third.getByText('Du har tackat ja').waitFor();
    await third.getByText(`Dags att stämma av: kan du fortsätta med det här? Senast ${utcDate(addDays(today(), 7))}.`).waitFor();
    await third.getByRole('button', { name: 'Ja, jag fortsätter' }).click();
    await third.getByRole('group', { name: 'Kvitto på ditt svar' }).waitFor();
    // Confirmed for another period as long as the first (90 days), counted from the date that
    // was due: not up for review any more.
    const next = addDays(today(), 7 + 90);
    await third.getByText(`Du blir tillfrågad igen från ${utcDate(addDays(next, -14))}.`).waitFor();
    expect(await third.getByRole('button', { name: 'Ja, jag fortsätter' }).count()).toBe(0);
    const reconfirmed = await myCommitment('bengt', proposed.id);
    expect(reconfirmed.history.map((h) => [h.by, h.status])).toEqual([
      ['staff', 'requested'],
      ['relative', 'accepted'],
      ['relative', 'reconfirmed'],
    ]);
    expect(reconfirmed.currentReviewDate).toBe(next);
    expect((await staffCommitment(before.planId, proposed.id)).history.at(-1)).toMatchObject({ by: 'relative', status: 'reconfirmed', reviewDate: next });
    await expectPublished(before.planId, proposed.id, { task: 'accepted', review: next, consent: 'active', consentAt: reconfirmed.history.at(-1)!.at });

    await expectTokenKeptInMemory(watched, vardguiden);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('the strict portal really enforces Trusted Types: an HTML string is refused and reported, and the widget needed none', async () => {
    const watched = await openPage();
    const { page } = watched;
    await signIn(page, norrvik, 'Logga in med e-legitimation som', 'Logga in', 'Maria Nilsson');
    await page.getByRole('heading', { level: 2, name: /^SIP för / }).waitFor();
    expect(watched.violations).toEqual([]);
    const refused = await page.evaluate(() => {
      try {
        document.querySelector('#portal-notice')!.innerHTML = '<b>inte betrodd</b>';
        return false;
      } catch (error) {
        return error instanceof TypeError;
      }
    });
    expect(refused).toBe(true);
    // Both the event the test listens for and the console report it: either fails a journey.
    await expect.poll(() => watched.violations.map((v) => v.directive)).toEqual(['require-trusted-types-for']);
    expect(watched.errors).toEqual(["This document requires 'TrustedHTML' assignment. The action has been blocked."]);
  });

  it('one browser on both portals: the module it cached for a year for one origin loads on the other too', async () => {
    // The two portals are one site (127.0.0.1), so they share the browser's HTTP cache; the
    // cached answer names the first portal's origin, and must not be reused for the second.
    const first = await openPage();
    await signIn(first.page, norrvik, 'Logga in med e-legitimation som', 'Logga in', 'Maria Nilsson');
    await first.page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    const second = await first.page.context().newPage();
    const errors = collectPageErrors(second);
    await signIn(second, vardguiden, 'Välj vem du är', 'Fortsätt', 'Maria Nilsson');
    await second.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    expect(await second.evaluate(() => customElements.get('sip-relative-view') !== undefined)).toBe(true);
    expect(errors).toEqual([]);
    expect(first.errors).toEqual([]);
  });

  it('refuses a module whose bytes do not match the integrity the portal names', async () => {
    const watched = await openPage();
    const { page } = watched;
    // As if the bytes were changed on the way: the browser must refuse them.
    await page.route(`${service.url}/widget/*/sip-relative-view.js`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-encoding'];
      delete headers['content-length'];
      await route.fulfill({ status: 200, headers, body: `${await response.text()}\n;globalThis.tampered = true;` });
    });
    await signIn(page, norrvik, 'Logga in med e-legitimation som', 'Logga in', 'Maria Nilsson');
    await page.getByText('Inloggad som Maria Nilsson').waitFor();
    await expect.poll(() => watched.errors.filter((e) => e.includes("Failed to find a valid digest in the 'integrity' attribute"))).toHaveLength(1);
    expect(await page.evaluate(() => ({ defined: customElements.get('sip-relative-view') !== undefined, tampered: 'tampered' in globalThis }))).toEqual({
      defined: false,
      tampered: false,
    });
  });

  it('/demo plays a portal: pick a demo relative, see their plan, with no console error and no axe violations', async () => {
    const watched = await openPage();
    const { page } = watched;
    await page.goto(`${service.url}/demo`);
    const picker = page.getByRole('combobox', { name: 'Person' });
    await expect.poll(() => picker.isEnabled()).toBe(true);
    await picker.selectOption({ label: 'Maria Nilsson' });
    await page.getByText('Relative of Astrid Nilsson (natural daughter)').waitFor();
    // Signed in from the keyboard.
    await page.getByRole('button', { name: 'Logga in' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Inloggad som Maria Nilsson.' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'SIP för Astrid Nilsson' }).waitFor();
    const maria = await myPlan('maria');
    await commitmentCard(page, maria.me.commitments[0]!.what).getByRole('button', { name: 'Tacka ja' }).waitFor();
    await page.getByText('Kunna bo kvar hemma med Bengt').waitFor();
    await page.locator('#events code').filter({ hasText: 'sip-ready' }).waitFor();

    const { violations } = await runAxe(page, { tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    expect(violations).toEqual([]);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});

/** A citizen e-ID issuer for the service outside demo mode: its keys at a JWKS URL, tokens signed by the portal. */
async function startCitizenIssuer(): Promise<{ issuer: TestIssuer; jwksUrl: string; close(): Promise<void> }> {
  const issuer = await createTestIssuer('https://e-id.test.example/citizen');
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/jwks.json' ? JSON.stringify(issuer.jwks) : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { issuer, jwksUrl: `http://127.0.0.1:${port}/jwks.json`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('outside demo mode only the origins in ALLOWED_ORIGINS may embed the widget', () => {
  let service: ServiceProcess;
  let peers: TestPeers;
  let citizen: Awaited<ReturnType<typeof startCitizenIssuer>>;
  let dataDir: string;
  let allowed: Portal;
  let other: Portal;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-embed-prod-'));
    [peers, citizen] = await Promise.all([startTestPeers(), startCitizenIssuer()]);
    cleanups.push(() => peers.close(), () => citizen.close(), () => rmSync(dataDir, { recursive: true, force: true }));
    // The portals need the service's address, and the service their origins: its port first.
    const port = await freePort();
    const serviceUrl = `http://127.0.0.1:${port}`;
    const people = [{ id: '198304179859', name: 'Erik Johansson' }];
    const issueToken = async (person: { id: string }) => ({
      accessToken: await citizen.issuer.sign({ sub: person.id }, { audience: 'sip-broker-citizen', expiresIn: '10m' }),
      expiresIn: 600,
    });
    const design: PortalDesign = norrvikPortal;
    [allowed, other] = await Promise.all([startPortal({ serviceUrl, design, people, issueToken }), startPortal({ serviceUrl, design, people, issueToken })]);
    cleanups.push(() => allowed.close(), () => other.close());
    service = await startService(
      {
        PORT: String(port),
        DEMO_MODE: 'false',
        DATA_DIR: dataDir,
        WIDGET_DIST_DIR: distDir,
        REGION_FHIR_BASE_URL: peers.urls.region,
        MUNICIPALITY_FHIR_BASE_URL: peers.urls.municipality,
        CITIZEN_TOKEN_ISSUER: citizen.issuer.issuer,
        CITIZEN_JWKS_URL: citizen.jwksUrl,
        ALLOWED_ORIGINS: allowed.origin,
      },
      undefined,
      runBuild(),
    );
    cleanups.push(() => service.stop());
    expect(service.url).toBe(serviceUrl);
  });

  it('answers CORS for the listed origin only: not for another loopback origin, nor another host on its port', async () => {
    const widget = await currentWidget(service.url);
    const token = await citizen.issuer.sign({ sub: '198304179859' }, { audience: 'sip-broker-citizen' });
    const localhost = `http://localhost:${new URL(allowed.url).port}`;
    for (const path of ['/widget/sip-relative-view.js', widget.path, '/widget/widget.json', '/api/me/plans']) {
      for (const origin of [allowed.origin, other.origin, localhost, 'https://evil.example']) {
        const res = await fetch(`${service.url}${path}`, { headers: { Origin: origin, Authorization: `Bearer ${token}` } });
        expect(res.status, `${path} from ${origin}`).toBe(200);
        expect(res.headers.get('access-control-allow-origin'), `${path} from ${origin}`).toBe(origin === allowed.origin ? origin : null);
        await res.arrayBuffer();
      }
    }
    expect((await fetch(`${service.url}/demo`)).status).toBe(404);
    expect((await fetch(`${service.url}/dev/personas`)).status).toBe(404);
  });

  it('in Chromium, the listed portal loads the module and signs the relative in; another loopback portal gets neither', async () => {
    const ok = await openPage();
    await signIn(ok.page, allowed, 'Logga in med e-legitimation som', 'Logga in', 'Erik Johansson');
    // Signed in with a real (test) e-ID issuer's token; the service has no plan for Erik here.
    await ok.page.getByText('Du finns inte med som anhörig i någon samordnad individuell plan (SIP) just nu.').waitFor();
    expect(await ok.page.evaluate(() => customElements.get('sip-relative-view') !== undefined)).toBe(true);
    expect(allowed.issued).toHaveLength(1);
    expect(ok.violations).toEqual([]);
    expect(ok.errors).toEqual([]);

    const refused = await openPage();
    const { page } = refused;
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
    await signIn(page, other, 'Logga in med e-legitimation som', 'Logga in', 'Erik Johansson');
    await page.getByText('Inloggad som Erik Johansson').waitFor();
    const widget = await currentWidget(service.url);
    const moduleUrl = `${service.url}${widget.path}`;
    await expect.poll(() => failed).toEqual([`${moduleUrl} net::ERR_FAILED`]);
    // The element stays undefined, and the page can read nothing from the API either.
    const state = await page.evaluate(async (api) => {
      const read = async (path: string) => {
        try {
          return (await fetch(api + path)).status;
        } catch (error) {
          return (error as Error).name;
        }
      };
      return {
        defined: customElements.get('sip-relative-view') !== undefined,
        widgetJson: await read('/widget/widget.json'),
        plans: await read('/api/me/plans'),
      };
    }, service.url);
    expect(state).toEqual({ defined: false, widgetJson: 'TypeError', plans: 'TypeError' });
    // Its own server handed out no token: the element never asked for one.
    expect(other.tokenRequests).toEqual([]);
    // The only errors are the browser's reports of exactly these refusals.
    const corsRefusal = (url: string) =>
      `Access to script at '${url}' from origin '${other.origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
    const fetchRefusal = (url: string) =>
      `Access to fetch at '${url}' from origin '${other.origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`;
    expect(refused.errors.filter((e) => !/^Failed to load resource: net::ERR_FAILED$/.test(e))).toEqual([
      corsRefusal(moduleUrl),
      fetchRefusal(`${service.url}/widget/widget.json`),
      fetchRefusal(`${service.url}/api/me/plans`),
    ]);
    expect(refused.violations).toEqual([]);
  });
});
