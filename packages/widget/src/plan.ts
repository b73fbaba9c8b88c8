/**
 * A plan, as `<sip-relative-view>` shows it: "Att göra", who to turn to, the relative's
 * commitments and their answers, the shared home as a place of care, what the individual shares,
 * information, support and the relative role, the dialog that confirms a decline, a withdrawal or
 * stepping out of the role, the receipt of a saved answer (on screen and on paper), and a child's
 * own view; with the Swedish texts only a plan shows. The element's build makes this a module of
 * its own beside the element's (`sip-relative-view.plan.<hash>.js`), fetched with its Subresource
 * Integrity alongside the first plan the element opens (`plan-loader.ts`): the element itself
 * starts, signs in, lists plans and says what went wrong without it. It imports nothing when it
 * runs: Lit's `html` and `nothing`, the element's messages, state, helpers and actions come in `kit`.
 */
import type { AnswerReceipt, CommitmentAnswerKind, CommitmentKind, MyCommitment, MyPlan } from '@sip/shared';
import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import { reconfirmOpensOn, type Outcome } from './answers.ts';
import type { CoreMessages, Messages } from './i18n.ts';
import type { Localization } from './locale.ts';

type CommitmentStatus = 'requested' | 'accepted' | 'declined' | 'withdrawn' | 'cancelled';
type HistoryStatus = CommitmentStatus | 'reconfirmed';
type SupportOffer = 'conversation' | 'respite' | 'groups' | 'training';
type RequestKind = 'contact-consultant' | 'needs-assessment';
const REQUEST_KINDS: RequestKind[] = ['contact-consultant', 'needs-assessment'];

interface FieldProblem {
  field: string;
  message: string;
}

/** What the element lends a plan: Lit, its messages and dates, its state, its helpers and its actions. */
export interface Kit {
  html: typeof litHtml;
  nothing: typeof litNothing;
  t: CoreMessages;
  l: Localization<CoreMessages>;
  outcomes: ReadonlyMap<string, Outcome>;
  formErrors: ReadonlyMap<string, FieldProblem[]>;
  printing: boolean;
  /** The commitment the confirm dialog asks about, and what it confirms. */
  withdrawing: MyCommitment | undefined;
  confirming: 'withdraw' | 'decline' | 'leave-role';
  /** Whether the plan was opened from the list of plans, and there is one to go back to. */
  canGoBack: boolean;
  h(depth: number, content: unknown, id?: string): TemplateResult;
  staffText(text: string): unknown;
  titleShown(plan: MyPlan): unknown;
  /** With an error: the service's reference for it, and the portal's help line. */
  help(requestId: string | undefined): unknown;
  back(): void;
  print(): void;
  answer(c: MyCommitment, answer: 'accept' | 'decline' | 'reconfirm'): void;
  openWithdrawal(c: MyCommitment | undefined, answer?: 'withdraw' | 'decline' | 'leave-role'): void;
  confirm(): void;
  cancel(): void;
  dialogClosed(event: Event): void;
  answerHome(): void;
  askFor(kind: RequestKind): void;
  retry(planId: string, target: string): void;
  printReceipt(target: string): void;
  focusField(event: Event, field: string): void;
}

/** The kit with every message a plan shows, in the element's language, and the plan it shows. */
type PlanKit = Omit<Kit, 't'> & { t: Messages; plan: MyPlan };

/** A sentence that starts with a name or "personen": its first letter upper-case. */
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// Lit's, lent by the element with the kit: this module imports nothing.
let html: typeof litHtml;
let nothing: typeof litNothing;

/** The Swedish texts only a plan shows; every other language has them in its module with the rest. */
export const sv = {
  sipMeans:
    'SIP betyder samordnad individuell plan: planen där kommunen och regionen tillsammans skriver vad som ska göras och vem som gör det.',

  // The plan
  print: 'Skriv ut',
  youAre: (name: string, relationship: string) => `Du är ${name} (${relationship}).`,

  coordinator: 'Samordnare för planen',
  phoneHours: 'Telefontid',
  /** The individual, when the plan gives no given name. */
  someone: 'personen som planen gäller',

  commitmentsHeading: 'Dina åtaganden',
  commitmentsIntro:
    'Det här har du blivit tillfrågad om att göra. Det är frivilligt. Inget gäller förrän du har tackat ja, och du kan avsluta ett åtagande när du vill.',
  noCommitments: 'Du har inte blivit tillfrågad om något åtagande.',
  childNoCommitments: 'Barn blir inte tillfrågade om att ta på sig åtaganden. Du kan ändå få information och stöd.',
  /** What kind of help a commitment is, when staff said so (the names are `commitmentKindLabels`'). */
  commitmentKind: 'Typ av hjälp',
  commitmentKinds: {
    'personal-care': 'Personlig omvårdnad',
    household: 'Hushåll och praktisk hjälp',
    accompanying: 'Ledsagning och resor',
    supervision: 'Tillsyn och sällskap',
    contacts: 'Kontakter med vård och myndigheter',
    finances: 'Ekonomi och ärenden',
    other: 'Annat',
  } satisfies Record<CommitmentKind, string>,
  howOften: 'Hur ofta',
  period: 'Period',
  reviewDate: 'Ska stämmas av',
  commitmentStatus: {
    requested: 'Väntar på ditt svar',
    accepted: 'Du har tackat ja',
    declined: 'Du har tackat nej',
    withdrawn: 'Du har avslutat åtagandet',
    cancelled: 'Avbrutet av personalen',
  } satisfies Record<CommitmentStatus, string>,
  reconfirmDue: (date: string) => `Dags att stämma av: kan du fortsätta med det här? Senast ${date}.`,
  reconfirmFrom: (date: string) => `Du blir tillfrågad igen från ${date}.`,
  cancelledHelp: 'Personalen har tagit bort det här åtagandet. Du behöver inte göra något. Frågor? Kontakta samordnaren.',
  withdrawnHelp: (responsible: string | null) =>
    `${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} har fått veta det och planerar om, så att hjälpen blir av ändå.`,
  accept: 'Tacka ja',
  decline: 'Tacka nej',
  withdraw: 'Avsluta åtagandet',
  reconfirm: 'Ja, jag fortsätter',
  comment: 'Kommentar (frivillig)',
  commentHint: 'Högst 2 000 tecken. Personalen som arbetar med planen kan läsa den.',
  history: 'Dina svar hittills',
  historyEntry: {
    requested: 'Personalen frågade dig',
    accepted: 'Du tackade ja',
    declined: 'Du tackade nej',
    withdrawn: 'Du avslutade åtagandet',
    cancelled: 'Personalen avbröt åtagandet',
    reconfirmed: 'Du bekräftade att du fortsätter',
  } satisfies Record<HistoryStatus, string>,
  nextReview: (date: string) => `nästa avstämning ${date}`,

  // Changing one's mind after a decline
  declinedHelp: (responsible: string | null) =>
    `Har du ändrat dig? Du kan tacka ja så länge ${responsible ?? 'den som ansvarar för planen'} inte har planerat om.`,
  changeToAccept: 'Ändra mig och tacka ja',

  // The relative role itself, and stepping out of it
  roleHeading: 'Din roll som anhörig',
  roleIntro: (responsible: string | null) =>
    `Att vara anhörig i planen är frivilligt. Vill du inte längre ha en roll i planen kan du säga det här. ${responsible ?? 'Den som ansvarar för planen'} kontaktar dig då för att planera om. Det du har tackat ja till gäller tills ni har pratat; vill du sluta med något direkt kan du avsluta det ovan.`,
  leaveButton: 'Jag vill kliva av min roll',
  leaveAsked: (date: string) => `Du bad ${date} om att få kliva av din roll.`,
  leaveWaiting: (responsible: string | null) => `${responsible ?? 'Den som ansvarar för planen'} kontaktar dig.`,

  // What waits for the relative's answer
  todo: {
    heading: 'Att göra',
    none: 'Du har inget att svara på just nu.',
    answer: 'Svara på:',
    reconfirm: (date: string) => `Stäm av senast ${date}:`,
    home: 'Svara om ert gemensamma hem',
  },

  // An answer not saved, or not known to be
  notSaved: 'Inte sparat.',
  unknown: 'Vi vet inte om ditt svar sparades.',
  outcomeHelp: {
    network: 'Vi fick inte kontakt med tjänsten. Kontrollera din internetanslutning och försök igen.',
    session: 'Din inloggning har gått ut. Logga in igen och tryck sedan på Försök igen.',
    server: 'Det blev ett fel i tjänsten. Försök igen om en stund.',
    unknown: 'Tjänsten svarade inte i tid. Försök igen – om svaret redan är sparat sparas det inte en gång till.',
    conflict: 'Något har ändrats sedan du öppnade planen, till exempel av personalen. Vi har hämtat det senaste.',
    validation: 'Det du skrev gick inte att spara. Rätta felet och försök igen.',
  },
  retrySafe: 'Det är säkert att försöka igen: ditt svar sparas bara en gång.',

  // Support for the relative
  supportHeading: 'Stöd till dig som anhörig',
  supportIntro: 'Kommunen ska erbjuda stöd till dig som hjälper någon i din närhet.',
  supportOffered: 'Stöd du har blivit erbjuden',
  supportOffers: {
    conversation: 'Stödsamtal',
    respite: 'Avlösning, så att du får tid för dig själv',
    groups: 'Träffar med andra anhöriga',
    training: 'Utbildning för anhöriga',
  } satisfies Record<SupportOffer, string>,
  supportNoneOffered: 'Inget stöd är erbjudet ännu.',
  myRequests: 'Det du har bett om',
  requestKinds: {
    'contact-consultant': 'Att anhörigkonsulenten kontaktar dig',
    'needs-assessment': 'En bedömning av dina egna behov',
  } satisfies Record<RequestKind, string>,
  requestAsked: (date: string) => `Du bad om det ${date}.`,
  requestHandled: (date: string) => `Klart ${date}.`,
  requestOpen: 'Inte klart ännu.',
  requestButtons: {
    'contact-consultant': 'Be anhörigkonsulenten kontakta mig',
    'needs-assessment': 'Be om en bedömning av mina egna behov',
  } satisfies Record<RequestKind, string>,
  requestNote: 'Vill du berätta något mer? (frivilligt)',

  // What is shared
  sharedHeading: 'Det här får du se av planen',
  sharedUntil: (date: string, who: string) => `${cap(who)} har samtyckt till att du ser det här, till och med ${date}.`,
  sharedOpen: (who: string) => `${cap(who)} har samtyckt till att du ser det här.`,
  nothingShared: (who: string) => `${cap(who)} delar ingenting av planen med dig just nu. Du ser bara det som gäller dig själv.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} har återkallat sitt samtycke till planen. Din egen del står kvar: dina åtaganden och svar, det du får veta och ditt stöd.`,
  goals: 'Mål',
  individualGoals: (who: string) => `Det här är viktigast för ${who}`,
  professionalGoals: (organisation: string) => `Mål för ${organisation}`,
  interventionStatus: {
    planned: 'Planerad',
    decided: 'Beslutad',
  } as Record<string, string>,
  contacts: 'Kontaktpersoner',
  needs: 'Behov',

  // Information to the relative
  informationHeading: 'Information till dig',
  informationNone: 'Ingen information är planerad till dig ännu.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'När du fick information',
  informedBy: (name: string) => `av ${name}`,

  // The confirm dialog: withdrawing, declining, stepping out of the role
  withdrawTitle: 'Vill du avsluta åtagandet?',
  withdrawBody: (responsible: string | null) =>
    `Du slutar då med det här. ${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} får veta det och måste planera om, så att hjälpen blir av på annat sätt. Du behöver inte förklara varför.`,
  withdrawComment: 'Vill du säga något om varför? (frivilligt)',
  withdrawConfirm: 'Ja, avsluta åtagandet',
  withdrawCancel: 'Nej, fortsätt som förut',
  declineTitle: 'Vill du tacka nej?',
  declineBody: (responsible: string | null) =>
    `Det är helt i sin ordning att tacka nej. ${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} får veta det och ordnar hjälpen på annat sätt. Du kan ändra dig och tacka ja så länge de inte har planerat om.`,
  declineConfirm: 'Ja, tacka nej',
  declineCancel: 'Nej, gå tillbaka',
  leaveTitle: 'Vill du kliva av din roll i planen?',
  leaveBody: (responsible: string | null) =>
    `${responsible ?? 'Den som ansvarar för planen'} får veta det och kontaktar dig för att planera om, så att hjälpen blir av ändå. Du behöver inte förklara varför.`,
  leaveConfirm: 'Ja, jag vill kliva av',
  leaveCancel: 'Nej, gå tillbaka',

  // The receipt of an answer; its reference is in the histories too
  receipt: {
    title: 'Kvitto på ditt svar',
    reference: 'Referens',
    answer: 'Ditt svar',
    comment: 'Din kommentar',
    at: 'Sparat',
    told: 'Har fått veta',
    coordinator: (name: string) => `samordnaren ${name}`,
    next: 'Vad händer nu',
    keep: 'Spara kvittot. Ange referensen om du vill fråga om ditt svar.',
    print: 'Skriv ut kvittot',
    answers: {
      accepted: 'Du tackade ja till',
      declined: 'Du tackade nej till',
      withdrawn: 'Du avslutade',
      reconfirmed: 'Du fortsätter med',
      'home-consent-yes': 'Ja, du samtycker till att ert gemensamma hem används för vård och omsorg',
      'home-consent-no': 'Nej, du samtycker inte till att ert gemensamma hem används för vård och omsorg',
      'contact-consultant': 'Du bad anhörigkonsulenten kontakta dig',
      'needs-assessment': 'Du bad om en bedömning av dina egna behov',
      'leave-role': 'Du bad om att få kliva av din roll i planen',
    },
    nextSteps: {
      accepted: 'Åtagandet gäller nu. Du kan avsluta det när du vill. Inför avstämningen blir du tillfrågad om du vill fortsätta.',
      declined: (r: string) => `${r} ordnar hjälpen på annat sätt. Du kan ändra dig och tacka ja så länge de inte har planerat om.`,
      withdrawn: (r: string) => `${r} planerar om, så att hjälpen blir av på annat sätt. Du behöver inte göra något mer.`,
      reconfirmed: 'Du fortsätter som förut. Du blir tillfrågad igen inför nästa avstämning.',
      'home-consent-yes': 'Personalen får ge vård och omsorg i ert hem. Du kan ändra ditt svar när du vill.',
      'home-consent-no': (r: string) => `${r} planerar hur vården och omsorgen kan ges utan ert hem. Du kan ändra ditt svar när du vill.`,
      'contact-consultant': 'Anhörigkonsulenten kontaktar dig.',
      'needs-assessment': 'Kommunen kontaktar dig för att bedöma vilket stöd du behöver.',
      'leave-role': (r: string) => `${r} kontaktar dig för att planera om. Det du har tackat ja till gäller tills ni har pratat.`,
    },
    responsible: 'Den som ansvarar för planen',
  },

  // A child relative's own view
  child: {
    heading: 'Vad händer?',
    what: (who: string) =>
      `Kommunen och regionen hjälper ${who}. De vuxna har skrivit en plan tillsammans, så att hjälpen fungerar. Du behöver inte göra något.`,
    feelings: 'Det är vanligt att känna oro eller bli ledsen när någon i familjen behöver hjälp. Du får prata med någon om det.',
    talkHeading: 'Vem kan du prata med?',
    counsellor: 'Skolkuratorn på din skola',
    bris: 'BRIS, för dig under 18 år. Ring eller chatta:',
    umo: 'UMO, för dig mellan 13 och 25 år:',
    coordinator: (name: string) => `${name}, som samordnar planen`,
  },

  // Home as a place of care
  homeHeading: 'Ert gemensamma hem',
  homeIntro: (who: string) =>
    `Du bor tillsammans med ${who}. När vård och omsorg ges i hemmet blir ert gemensamma hem en arbetsplats för personalen. Det kräver ditt samtycke.`,
  homeMeans: [
    'Ja betyder att personal kommer hem till er, till exempel för att hjälpa till med mat, hygien eller läkemedel. De kan behöva ställa i ordning ett hjälpmedel, till exempel en säng.',
    'Nej betyder att personalen inte arbetar i ert hem. Vården och omsorgen planeras då på ett annat sätt, och den som ansvarar för planen pratar med er om hur.',
    'Du kan ändra ditt svar när du vill, här eller genom samordnaren.',
  ],
  homeQuestion: 'Samtycker du till att ert gemensamma hem används för vård och omsorg?',
  homeYes: 'Ja, jag samtycker',
  homeNo: 'Nej, jag samtycker inte',
  homeSave: 'Spara mitt svar',
  homeCurrentYes: (date: string) => `Du samtyckte ${date}.`,
  homeCurrentNo: (date: string) => `Du samtyckte inte ${date}.`,
  homeNotAnswered: 'Du har inte svarat ännu.',
  homeHistory: 'Dina svar om hemmet',
  homeHistoryYes: 'Ja',
  homeHistoryNo: 'Nej',
};

export type PlanMessages = typeof sv;

/**
 * The element's messages with the plan's own: in Swedish the element has not got these (they are
 * above); a language fetched on demand brings all of its own.
 */
export function withPlan(t: CoreMessages): Messages {
  return { ...sv, ...t } as Messages;
}

function lend(kit: Kit, plan: MyPlan): PlanKit {
  ({ html, nothing } = kit);
  return { ...kit, t: withPlan(kit.t), plan };
}

/** A plan, with the confirm dialog its buttons open. */
export function planView(kit: Kit, plan: MyPlan) {
  return renderPlan(lend(kit, plan), plan);
}

function renderPlan(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const relationship = plan.me.relationship.code ? (t.relationships[plan.me.relationship.code] ?? plan.me.relationship.text) : plan.me.relationship.text;
  return html`
    <article class="plan" aria-labelledby="plan-title">
      <div class="toolbar controls">
        ${k.canGoBack ? html`<button part="button" class="button link back" type="button" @click=${k.back}>${t.backToPlans}</button>` : nothing}
        <button part="button" class="button secondary print" type="button" @click=${k.print}>${t.print}</button>
      </div>
      ${k.h(0, k.titleShown(plan), 'plan-title')}
      <p class="muted">${t.planStatusLabel(t.planStatus[plan.status])}. ${t.youAre(plan.me.name, relationship)}</p>
      <p class="muted">${t.sipMeans}</p>
      ${plan.me.child
        ? // A child is told what happens and who to talk to; no forms, no commitments, no home consent.
          html`${child(k, plan)} ${renderContact(k, plan)} ${renderShared(k, plan)} ${renderInformation(k, plan)}`
        : html`${renderTodo(k, plan)} ${renderContact(k, plan)} ${renderCommitments(k, plan)}
          ${plan.me.sharesHome ? home(k, plan) : nothing} ${renderShared(k, plan)} ${renderInformation(k, plan)}
          ${renderSupport(k, plan)} ${renderRole(k, plan)}`}
    </article>
    ${renderWithdrawDialog(k, plan)}
  `;
}

function section(k: PlanKit, id: string, heading: string, content: unknown) {
  return html`<section part="section" class="section" aria-labelledby=${id}>
    ${k.h(1, heading, id)}
    ${content}
  </section>`;
}

function renderContact(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const c = plan.coordinator;
  return section(
    k,
    'contact-title',
    t.contactHeading,
    html`
      <dl class="facts">
        <div>
          <dt>${t.coordinator}</dt>
          <dd>
            ${c ? html`${c.name}${c.title ? html`, ${c.title}` : nothing}${c.unit ? html`, ${c.unit}` : nothing} ${phone(k, c)}` : t.noCoordinator}
          </dd>
        </div>
        <div>
          <dt>${t.outOfHours}</dt>
          <dd>${plan.outOfHours ? k.staffText(plan.outOfHours) : t.outOfHoursGeneral}</dd>
        </div>
      </dl>
    `,
  );
}

/** A number as written in Sweden, linked in E.164, and when it is answered. */
function phone(k: PlanKit, p: { phone?: string | undefined; phoneDisplay?: string | undefined; phoneHours?: string | undefined }) {
  const t = k.t;
  const shown = p.phoneDisplay || p.phone;
  return html`${shown ? html`<br />${t.phone}: <a href=${`tel:${(p.phone || shown).replace(/[^\d+]/g, '')}`} dir="ltr">${shown}</a>` : nothing}${p.phoneHours
    ? html`<br />${t.phoneHours}: ${k.staffText(p.phoneHours)}`
    : nothing}`;
}

/** What waits for the relative's answer, each linking to its place. */
function renderTodo(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const l = k.l;
  const items: { id: string; label: string; what?: string }[] = [];
  for (const c of plan.me.commitments) {
    const allowed = Array.isArray(c.allowedAnswers) ? c.allowedAnswers : [];
    if (c.status === 'requested' && allowed.includes('accept')) items.push({ id: `title-${c.id}`, label: t.todo.answer, what: c.what });
    else if (allowed.includes('reconfirm')) items.push({ id: `title-${c.id}`, label: t.todo.reconfirm(l.date(c.currentReviewDate)), what: c.what });
  }
  if (plan.me.sharesHome && !plan.me.homeConsent && plan.status !== 'closed') items.push({ id: 'home-title', label: t.todo.home });
  return section(
    k,
    'todo-title',
    t.todo.heading,
    items.length
      ? html`<ul class="todo">
          ${items.map(
            (i) => html`<li>
              <a href=${`#${i.id}`} @click=${(e: Event) => k.focusField(e, i.id)}>${i.label}${i.what ? html` ${k.staffText(i.what)}` : nothing}</a>
            </li>`,
          )}
        </ul>`
      : html`<p>${t.todo.none}</p>`,
  );
}

function renderCommitments(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const commitments = plan.me.commitments;
  let content: unknown;
  if (plan.me.child && commitments.length === 0) content = html`<p>${t.childNoCommitments}</p>`;
  else if (commitments.length === 0) content = html`<p>${t.noCommitments}</p>`;
  else
    content = html`<p class="intro">${t.commitmentsIntro}</p>
      <ul class="commitments">
        ${commitments.map((c) => renderCommitment(k, plan, c))}
      </ul>`;
  return section(k, 'commitments-title', t.commitmentsHeading, content);
}

function renderCommitment(k: PlanKit, plan: MyPlan, c: MyCommitment) {
  const t = k.t;
  const l = k.l;
  const target = `c-${c.id}`;
  // The service says which answers the relative can give today; the element offers exactly those.
  const allowed = new Set<CommitmentAnswerKind>(Array.isArray(c.allowedAnswers) ? c.allowedAnswers : []);
  const due = allowed.has('reconfirm');
  // A comment goes with an accept, a decline or a confirmation; a withdrawal has its own, in the dialog.
  const commented = allowed.has('accept') || allowed.has('decline') || due;
  const form = `form-c-${c.id}`;
  const sending = k.outcomes.get(target)?.state === 'sending';
  const button = (answer: 'accept' | 'decline' | 'reconfirm', kind: 'primary' | 'secondary', label: string) =>
    allowed.has(answer)
      ? html`<button
          part="button"
          class=${`button ${kind}`}
          type="button"
          id=${`${answer}-${c.id}`}
          aria-haspopup=${answer === 'decline' ? 'dialog' : nothing}
          aria-disabled=${sending ? 'true' : 'false'}
          @click=${() => !sending && k.answer(c, answer)}
        >
          ${label}
        </button>`
      : nothing;
  return html`<li part="commitment" class="commitment">
    ${k.h(2, k.staffText(c.what), `title-${c.id}`)}
    <dl class="facts facts--inline">
      ${c.kind && t.commitmentKinds[c.kind]
        ? html`<div>
            <dt>${t.commitmentKind}</dt>
            <dd>${t.commitmentKinds[c.kind]}</dd>
          </div>`
        : nothing}
      <div>
        <dt>${t.howOften}</dt>
        <dd>${k.staffText(c.howOften)}</dd>
      </div>
      <div>
        <dt>${t.period}</dt>
        <dd>${c.until ? t.periodFromUntil(l.date(c.from), l.date(c.until)) : t.periodFrom(l.date(c.from))}</dd>
      </div>
      ${c.status === 'accepted' || c.status === 'requested'
        ? html`<div>
            <dt>${t.reviewDate}</dt>
            <dd>${l.date(c.currentReviewDate)}</dd>
          </div>`
        : nothing}
    </dl>
    ${renderState(k, plan.planId, target, html`<p part="status" class=${`status status--${c.status}`}>
        <span class="status-label">${t.statusLabel}:</span> ${t.commitmentStatus[c.status]}
      </p>`)}
    ${c.status === 'cancelled' ? html`<p class="help">${t.cancelledHelp}</p>` : nothing}
    ${c.status === 'withdrawn' ? html`<p class="help">${t.withdrawnHelp(plan.responsible?.organisation ?? null)}</p>` : nothing}
    ${c.status === 'declined' && allowed.has('accept') ? html`<p class="help">${t.declinedHelp(plan.responsible?.organisation ?? null)}</p>` : nothing}
    ${c.status === 'accepted'
      ? html`<p class="help">${due ? t.reconfirmDue(l.date(c.currentReviewDate)) : t.reconfirmFrom(l.date(reconfirmOpensOn(c.currentReviewDate)))}</p>`
      : nothing}
    ${allowed.size > 0
      ? html`<form class="answer controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
          ${renderErrorSummary(k, form)}
          ${commented ? renderTextField(k, form, `comment-${c.id}`, t.comment, t.commentHint) : nothing}
          <div class="actions" role="group" aria-labelledby=${`title-${c.id}`}>
            ${button('accept', 'primary', c.status === 'declined' ? t.changeToAccept : t.accept)} ${button('decline', 'secondary', t.decline)} ${button('reconfirm', 'primary', t.reconfirm)}
            ${allowed.has('withdraw')
              ? html`<button
                  part="button"
                  class="button warning"
                  type="button"
                  id=${`withdraw-${c.id}`}
                  aria-haspopup="dialog"
                  aria-disabled=${sending ? 'true' : 'false'}
                  @click=${() => !sending && k.openWithdrawal(c)}
                >
                  ${t.withdraw}
                </button>`
              : nothing}
          </div>
        </form>`
      : nothing}
    ${renderHistory(k, c)}
  </li>`;
}

function renderHistory(k: PlanKit, c: MyCommitment) {
  const t = k.t;
  const l = k.l;
  return html`<details class="history" ?open=${k.printing}>
    <summary>${t.history} (${c.history.length})</summary>
    <ol>
      ${c.history.map(
        (event) => html`<li>
          <span class="when">${l.dateTime(event.at)}</span>: ${t.historyEntry[event.status]}${event.reviewDate ? html`, ${t.nextReview(l.date(event.reviewDate))}` : nothing}.
          ${event.comment ? html`<q>${event.comment}</q>` : nothing} ${referenceOf(k, event)}
        </li>`,
      )}
    </ol>
  </details>`;
}

/** The current status and, after an answer, whether it was saved: focused after every answer. */
function renderState(k: PlanKit, planId: string, target: string, status: TemplateResult | typeof nothing) {
  const outcome = k.outcomes.get(target);
  return html`<div class="state" id=${`state-${target}`} tabindex="-1">
    ${status} ${outcome ? renderOutcome(k, planId, target, outcome) : nothing}
  </div>`;
}

function renderOutcome(k: PlanKit, planId: string, target: string, outcome: Outcome) {
  const t = k.t;
  switch (outcome.state) {
    case 'sending':
      return html`<p part="outcome" class="outcome outcome--sending">${t.saving}</p>`;
    case 'saved':
      return outcome.receipt
        ? receipt(k, k.plan, target, outcome.receipt, outcome.what, true)
        : html`<p part="outcome" class="outcome outcome--saved">${t.saved(k.l.time(outcome.at))}</p>`;
    case 'unknown':
    case 'not-saved': {
      const retry = outcome.state === 'unknown' || outcome.retry;
      const help = outcome.state === 'unknown' ? t.outcomeHelp.unknown : t.outcomeHelp[outcome.reason];
      return html`<div part="outcome" class=${`outcome outcome--${outcome.state}`}>
        <p class="outcome-title">${outcome.state === 'unknown' ? t.unknown : t.notSaved}</p>
        <p>${help}</p>
        ${k.help(outcome.state === 'not-saved' ? outcome.requestId : undefined)}
        ${retry
          ? html`<p>${t.retrySafe}</p>
              <button part="button" class="button primary controls" type="button" @click=${() => k.retry(planId, target)}>${t.tryAgain}</button>`
          : nothing}
      </div>`;
    }
  }
}

/** An answer's reference in a history, for the relative to quote. */
function referenceOf(k: PlanKit, entry: { reference?: string | undefined }) {
  return entry.reference ? html`<span class="muted">(${k.t.receipt.reference} ${entry.reference})</span>` : nothing;
}

function renderErrorSummary(k: PlanKit, form: string) {
  const problems = k.formErrors.get(form);
  if (!problems?.length) return nothing;
  const t = k.t;
  return html`<div part="error-summary" class="error-summary" id=${`${form}-errors`} role="alert" tabindex="-1" aria-labelledby=${`${form}-errors-title`}>
    <p class="error-summary-title" id=${`${form}-errors-title`}>${t.errorSummaryTitle}</p>
    <ul>
      ${problems.map((p) => html`<li><a href=${`#${p.field}`} @click=${(e: Event) => k.focusField(e, p.field)}>${p.message}</a></li>`)}
    </ul>
  </div>`;
}

function fieldError(k: PlanKit, form: string, field: string) {
  return k.formErrors.get(form)?.find((p) => p.field === field);
}

function renderTextField(k: PlanKit, form: string, id: string, label: string, hint: string) {
  const t = k.t;
  const error = fieldError(k, form, id);
  return html`<div class=${error ? 'field field--error' : 'field'}>
    <label for=${id}>${label}</label>
    <p class="hint" id=${`${id}-hint`}>${hint}</p>
    ${error
      ? html`<p class="error-message" id=${`${id}-error`}><span class="visually-hidden">${t.errorPrefix}</span> ${error.message}</p>`
      : nothing}
    <textarea
      part="field"
      id=${id}
      name=${id}
      rows="3"
      aria-describedby=${error ? `${id}-hint ${id}-error` : `${id}-hint`}
      aria-invalid=${error ? 'true' : 'false'}
    ></textarea>
  </div>`;
}

/** The confirm dialog, always there with the open plan: opened by the element, its text follows `confirming`. */
function renderWithdrawDialog(k: PlanKit, plan: MyPlan) {
  return html`<dialog part="dialog" class="dialog" aria-labelledby="confirm-title" aria-describedby="confirm-body" @close=${k.dialogClosed}>
    ${confirmation(k, plan)}
  </dialog>`;
}

function renderShared(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const l = k.l;
  const shared = plan.shared;
  const sharing = plan.me.sharing;
  if (!plan.me.sharingInEffect || shared.categories.length === 0) {
    // The individual withdrew their consent to the plan: nothing of it reaches the relative, their own part stands.
    return section(
    k,
      'shared-title',
      t.sharedHeading,
      html`<p>${t.nothingShared(who(k, plan))}</p>
        ${plan.status === 'consent_withdrawn' ? html`<p>${t.consentWithdrawn(who(k, plan))}</p>` : nothing}`,
    );
  }
  // The coordinator is named at the top, with their number: not listed a second time.
  const contacts = shared.contacts?.filter((c) => c.name !== plan.coordinator?.name);
  const list = (items: { text: string }[]) =>
    items.length ? html`<ul>${items.map((i) => html`<li>${k.staffText(i.text)}</li>`)}</ul>` : html`<p class="muted">${t.none}</p>`;
  return section(
    k,
    'shared-title',
    t.sharedHeading,
    html`
      <p class="muted">${sharing?.validUntil ? t.sharedUntil(l.date(sharing.validUntil), who(k, plan)) : t.sharedOpen(who(k, plan))}</p>
      ${shared.goals
        ? html`${k.h(2, t.goals)}
            ${k.h(3, t.individualGoals(who(k, plan)))}
            ${list(shared.goals.individual)}
            ${shared.goals.professional
              .filter((p) => p.goals.length > 0)
              .map((p) => html`${k.h(3, t.professionalGoals(p.organisation || t.principal[p.principal]))}${list(p.goals)}`)}`
        : nothing}
      ${shared.interventions
        ? html`${k.h(2, t.whoDoesWhat)}
            ${shared.interventions.length
              ? html`<ul class="cards">
                  ${shared.interventions.map(
                    (i) => html`<li class="card">
                      <p class="card-title">${k.staffText(i.title)}</p>
                      <dl class="facts facts--inline">
                        <div>
                          <dt>${t.performedBy}</dt>
                          <dd>${i.performedBy ? html`${k.staffText(i.performedBy)}, ` : nothing}${t.principal[i.principal]}</dd>
                        </div>
                        ${i.when || i.startDate
                          ? html`<div>
                              <dt>${t.when}</dt>
                              <dd>
                                ${i.when ? k.staffText(i.when) : nothing}${i.when && i.startDate ? ', ' : nothing}${i.startDate
                                  ? i.endDate
                                    ? t.periodFromUntil(l.date(i.startDate), l.date(i.endDate))
                                    : t.periodFrom(l.date(i.startDate))
                                  : nothing}
                              </dd>
                            </div>`
                          : nothing}
                        <div>
                          <dt>${t.statusLabel}</dt>
                          <dd>${t.interventionStatus[i.status] ?? i.status}</dd>
                        </div>
                      </dl>
                    </li>`,
                  )}
                </ul>`
              : html`<p class="muted">${t.none}</p>`}`
        : nothing}
      ${contacts && (contacts.length || !shared.contacts?.length)
        ? html`${k.h(2, t.contacts)}
            ${contacts.length
              ? html`<ul>
                  ${contacts.map(
                    (c) => html`<li>
                      ${c.name}${c.title ? html`, ${c.title}` : nothing} – ${c.organisation || t.principal[c.principal]}${c.unit ? html`, ${c.unit}` : nothing}
                      ${phone(k, c)}
                    </li>`,
                  )}
                </ul>`
              : html`<p class="muted">${t.none}</p>`}`
        : nothing}
      ${shared.followUp !== undefined ? renderFollowUp(k, shared.followUp) : nothing}
      ${shared.needs ? html`${k.h(2, t.needs)}${list(shared.needs)}` : nothing}
      ${shared.meetings
        ? html`${k.h(2, t.meetings)}
            ${shared.meetings.length
              ? html`<ul>${shared.meetings.map((m) => html`<li>${l.dateTime(m.at)}${m.place ? html`, ${k.staffText(m.place)}` : nothing}</li>`)}</ul>`
              : html`<p class="muted">${t.none}</p>`}`
        : nothing}
    `,
  );
}

function renderInformation(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const l = k.l;
  const { information, informed } = plan.me;
  return section(
    k,
    'information-title',
    t.informationHeading,
    html`
      ${information.length
        ? html`<ul>
            ${information.map((i) => html`<li>${k.staffText(i.what)} <span class="muted">(${t.informationHow(i.how, i.howOften)})</span></li>`)}
          </ul>`
        : html`<p>${t.informationNone}</p>`}
      ${informed.length
        ? html`${k.h(2, t.informedHeading)}
            <ul>
              ${informed.map((i) => html`<li><span class="when">${l.date(i.at)}</span>: ${i.what} ${t.informedBy(i.by.name)}</li>`)}
            </ul>`
        : nothing}
    `,
  );
}

function renderSupport(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const l = k.l;
  const support = plan.me.support ?? { offered: [], requests: [] };
  // Asking to step out of the role has its own section.
  const requests = support.requests.filter((r): r is (typeof r & { kind: RequestKind }) => r.kind !== 'leave-role');
  const open = (kind: RequestKind) => requests.some((r) => r.kind === kind && !r.handledAt);
  const askable = REQUEST_KINDS.filter((kind) => !open(kind));
  const form = 'form-support';
  return section(
    k,
    'support-title',
    t.supportHeading,
    html`
      <p>${t.supportIntro}</p>
      ${k.h(2, t.supportOffered)}
      ${support.offered.length
        ? html`<ul>${support.offered.map((o) => html`<li>${t.supportOffers[o]}</li>`)}</ul>`
        : html`<p class="muted">${t.supportNoneOffered}</p>`}
      ${k.h(2, t.myRequests)}
      ${requests.length ? nothing : html`<p class="muted">${t.none}</p>`}
      ${REQUEST_KINDS.map((kind) =>
        renderState(k, 
          plan.planId,
          `req-${kind}`,
          requests.some((r) => r.kind === kind)
            ? html`<ul class="requests">
                ${requests
                  .filter((r) => r.kind === kind)
                  .map(
                    (r) => html`<li>
                      <strong>${t.requestKinds[r.kind]}</strong>. ${t.requestAsked(l.date(r.at))}
                      ${r.handledAt ? t.requestHandled(l.date(r.handledAt)) : t.requestOpen}
                    </li>`,
                  )}
              </ul>`
            : nothing,
        ),
      )}
      ${askable.length
        ? html`<form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
            ${renderErrorSummary(k, form)} ${renderTextField(k, form, 'request-note', t.requestNote, t.commentHint)}
            <div class="actions">
              ${askable.map((kind) => {
                const sending = k.outcomes.get(`req-${kind}`)?.state === 'sending';
                return html`<button part="button" class="button secondary" type="button" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && k.askFor(kind)}>
                  ${t.requestButtons[kind]}
                </button>`;
              })}
            </div>
          </form>`
        : nothing}
    `,
  );
}

/** The relative role is voluntary: the relative can ask to step out of it, and the responsible principal re-plans. */
function renderRole(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const l = k.l;
  const responsible = plan.responsible?.organisation ?? null;
  const asked = (plan.me.support?.requests ?? []).filter((r) => r.kind === 'leave-role');
  const open = asked.find((r) => !r.handledAt);
  const sending = k.outcomes.get('req-leave-role')?.state === 'sending';
  return section(
    k,
    'role-title',
    t.roleHeading,
    html`<p>${t.roleIntro(responsible)}</p>
      ${renderState(k, 
        plan.planId,
        'req-leave-role',
        asked.length
          ? html`<ul class="requests">
              ${asked.map(
                (r) => html`<li>
                  <strong>${t.leaveAsked(l.date(r.at))}</strong>
                  ${r.handledAt ? t.requestHandled(l.date(r.handledAt)) : t.leaveWaiting(responsible)}
                </li>`,
              )}
            </ul>`
          : nothing,
      )}
      ${open || plan.status === 'closed'
        ? nothing
        : html`<div class="actions">
            <button
              part="button"
              class="button secondary"
              type="button"
              id="leave-role"
              aria-haspopup="dialog"
              aria-disabled=${sending ? 'true' : 'false'}
              @click=${() => !sending && k.openWithdrawal(undefined, 'leave-role')}
            >
              ${t.leaveButton}
            </button>
          </div>`}`,
  );
}

/** The next follow-up; a date that has passed is not "next": it says so, and who gets in touch. */
function renderFollowUp(k: PlanKit, followUp: { date: string } | null) {
  const t = k.t;
  const l = k.l;
  if (!followUp) return html`${k.h(2, t.followUp)}<p>${t.followUpNone}</p>`;
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return followUp.date < today
    ? html`${k.h(2, t.followUpPassed)}<p>${t.followUpWas(l.date(followUp.date))}</p>`
    : html`${k.h(2, t.followUp)}<p>${l.date(followUp.date)}</p>`;
}

/** The individual as the relative knows them: by given name, or a neutral phrase when the plan gives none. */
function who(k: PlanKit, plan: MyPlan) {
  return plan.individual?.givenName || k.t.someone;
}

/** A child's own view: what is happening, in plain words, and who to talk to. */
function child(k: PlanKit, plan: MyPlan) {
  const t = k.t.child;
  const c = plan.coordinator;
  return section(k, 
    'child-title',
    t.heading,
    html`<p>${t.what(who(k, plan))}</p>
      <p>${t.feelings}</p>
      ${k.h(2, t.talkHeading)}
      <ul class="talk">
        <li>${t.counsellor}</li>
        <li>${t.bris} <a href="tel:116111">116 111</a>, <a href="https://www.bris.se">bris.se</a></li>
        <li>${t.umo} <a href="https://www.umo.se">umo.se</a></li>
        ${c ? html`<li>${t.coordinator(c.name)} ${phone(k, c)}</li>` : nothing}
      </ul>`,
  );
}

/**
 * The receipt of a saved answer, from the service: what was answered, when, its reference, who
 * has been told, and what happens next. `live`: the one on the page, with its print button.
 */
function receipt(k: PlanKit, plan: MyPlan | undefined, target: string, r: AnswerReceipt, what: string | undefined, live: boolean) {
  const l = k.l;
  const rt = k.t.receipt;
  const next = rt.nextSteps[r.answer];
  const responsible = plan?.responsible?.organisation ?? rt.responsible;
  const id = `receipt-${live ? '' : 'print-'}${target}`;
  const fact = (term: string, value: unknown) => html`<div>
    <dt>${term}</dt>
    <dd>${value}</dd>
  </div>`;
  return html`<div part="outcome receipt" class="outcome receipt" role="group" aria-labelledby=${id}>
    <p class="outcome-title" id=${id}>${rt.title}</p>
    <dl class="facts">
      ${fact(rt.answer, html`${rt.answers[r.answer]}${what ? html`: ${k.staffText(what)}` : nothing}`)}
      ${r.comment ? fact(rt.comment, html`<q>${r.comment}</q>`) : nothing} ${fact(rt.at, l.fullDateTime(r.at))}
      ${fact(rt.reference, html`<span class="reference" dir="ltr">${r.reference}</span>`)}
      ${fact(rt.told, l.list([...r.told, ...(r.coordinator ? [rt.coordinator(r.coordinator)] : [])]))}
      ${fact(rt.next, typeof next === 'function' ? next(responsible) : next)}
    </dl>
    <p>${rt.keep}</p>
    ${live
      ? html`<button part="button" class="button secondary controls" type="button" @click=${() => k.printReceipt(target)}>${rt.print}</button>`
      : nothing}
  </div>`;
}

/** The receipt being printed, alone, with the plan it belongs to: shown on paper only. */
export function printedReceipt(kit: Kit, plan: MyPlan, target: string, r: AnswerReceipt, what: string | undefined) {
  const k = lend(kit, plan);
  return html`<div class="printed-receipt">
    <p class="card-title">${k.titleShown(plan)}</p>
    ${receipt(k, plan, target, r, what, false)}
  </div>`;
}

/** What the confirm dialog says and asks: a withdrawal (with a comment), a decline, or stepping out of the role. */
function confirmation(k: PlanKit, plan: MyPlan) {
  const t = k.t;
  const c = k.withdrawing;
  const responsible = plan.responsible?.organisation ?? null;
  const kind = k.confirming;
  const text = {
    withdraw: { title: t.withdrawTitle, body: t.withdrawBody(responsible), confirm: t.withdrawConfirm, cancel: t.withdrawCancel },
    decline: { title: t.declineTitle, body: t.declineBody(responsible), confirm: t.declineConfirm, cancel: t.declineCancel },
    'leave-role': { title: t.leaveTitle, body: t.leaveBody(responsible), confirm: t.leaveConfirm, cancel: t.leaveCancel },
  }[kind];
  return html`${k.h(1, text.title, 'confirm-title')}
    ${c && kind !== 'leave-role' ? html`<p class="dialog-what">${k.staffText(c.what)}</p>` : nothing}
    <p id="confirm-body">${text.body}</p>
    <form novalidate @submit=${(e: Event) => e.preventDefault()}>
      ${kind === 'withdraw' ? html`${renderErrorSummary(k, 'withdraw')} ${renderTextField(k, 'withdraw', 'withdraw-comment', t.withdrawComment, t.commentHint)}` : nothing}
      <div class="actions">
        <button part="button" class=${kind === 'withdraw' ? 'button warning' : 'button primary'} type="button" @click=${k.confirm}>${text.confirm}</button>
        <button part="button" class="button secondary" type="button" @click=${k.cancel}>${text.cancel}</button>
      </div>
    </form>`;
}

/** The shared home as a place of care: what yes and no mean, the relative's answer, and its history. */
function home(k: PlanKit, plan: MyPlan) {
  const l = k.l;
  const t = k.t;
  const consent = plan.me.homeConsent;
  const form = 'form-home';
  const choiceError = fieldError(k, form, 'home-yes');
  const sending = k.outcomes.get('home')?.state === 'sending';
  return section(k, 
    'home-title',
    t.homeHeading,
    html`
      <p id="home-intro">${t.homeIntro(who(k, plan))}</p>
      <ul class="means">
        ${t.homeMeans.map((m) => html`<li>${m}</li>`)}
      </ul>
      ${renderState(k, 
        plan.planId,
        'home',
        html`<p part="status" class=${`status status--${consent ? (consent.consent ? 'accepted' : 'declined') : 'requested'}`}>
          <span class="status-label">${t.statusLabel}:</span>
          ${consent ? (consent.consent ? t.homeCurrentYes(l.date(consent.at)) : t.homeCurrentNo(l.date(consent.at))) : t.homeNotAnswered}
        </p>`,
      )}
      <form class="controls" id=${form} novalidate @submit=${(e: Event) => e.preventDefault()}>
        ${renderErrorSummary(k, form)}
        <fieldset class=${choiceError ? 'field field--error' : 'field'} aria-describedby=${choiceError ? 'home-yes-error' : nothing}>
          <legend>${t.homeQuestion}</legend>
          ${choiceError
            ? html`<p class="error-message" id="home-yes-error"><span class="visually-hidden">${t.errorPrefix}</span> ${choiceError.message}</p>`
            : nothing}
          <div class="radio">
            <input type="radio" id="home-yes" name="home-consent" value="yes" .checked=${consent?.consent === true} />
            <label for="home-yes">${t.homeYes}</label>
          </div>
          <div class="radio">
            <input type="radio" id="home-no" name="home-consent" value="no" .checked=${consent?.consent === false} />
            <label for="home-no">${t.homeNo}</label>
          </div>
        </fieldset>
        ${renderTextField(k, form, 'home-comment', t.comment, t.commentHint)}
        <div class="actions">
          <button part="button" class="button primary" type="button" aria-disabled=${sending ? 'true' : 'false'} @click=${() => !sending && k.answerHome()}>
            ${t.homeSave}
          </button>
        </div>
      </form>
      ${consent && consent.history.length
        ? html`<details class="history" ?open=${k.printing}>
            <summary>${t.homeHistory} (${consent.history.length})</summary>
            <ol>
              ${consent.history.map(
                (h) => html`<li>
                  <span class="when">${l.dateTime(h.at)}</span>: ${h.consent ? t.homeHistoryYes : t.homeHistoryNo}.
                  ${h.comment ? html`<q>${h.comment}</q>` : nothing} ${referenceOf(k, h)}
                </li>`,
              )}
            </ol>
          </details>`
        : nothing}
    `,
  );
}
