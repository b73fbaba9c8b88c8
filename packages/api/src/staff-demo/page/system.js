// One "system" of the two-pane demo: a health record or a case system that embeds the staff
// elements, signs its user in as a demo coordinator and opens the plan the user picks.
const params = new URLSearchParams(location.search);
const side = params.get('side') === 'municipality' ? 'municipality' : 'region';
const lang = params.get('lang') === 'en' ? 'en' : 'sv';
const apiParam = params.get('api');
// The API is the broker's, on a loopback origin; anything else is ignored.
const api = apiParam && /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(apiParam) ? apiParam : location.origin;
const persona = params.get('persona') ?? `${side}-coordinator`;

const texts = {
  sv: {
    region: 'Journalsystem · Region Norrvik',
    municipality: 'Verksamhetssystem · Norrviks kommun',
    signedIn: (name, title) => `Inloggad: ${name}, ${title}`,
    failed: 'Demon kunde inte starta: SIP-tjänsten svarade inte som väntat. Ladda om sidan.',
    navHeading: 'SIP',
    report: 'Årsrapport: stöd till anhöriga',
  },
  en: {
    region: 'Health record · Region Norrvik',
    municipality: 'Case system · Norrviks kommun',
    signedIn: (name, title) => `Signed in: ${name}, ${title}`,
    failed: 'The demo could not start: the SIP service did not answer as expected. Reload the page.',
    navHeading: 'SIP',
    report: 'Annual report: support to relatives',
  },
}[lang];

document.documentElement.lang = lang;
document.title = texts[side];
document.body.dataset.side = side;
document.getElementById('system-name').textContent = texts[side];
document.querySelector('[data-text="navHeading"]').textContent = texts.navHeading;

async function mint() {
  const response = await fetch(`${api}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  if (!response.ok) throw new Error(`token: HTTP ${response.status}`);
  return (await response.json()).access_token;
}

const getAccessToken = () => mint();

function element(tag, attributes) {
  const el = document.createElement(tag);
  el.setAttribute('api-base', api);
  el.setAttribute('lang', lang);
  for (const [name, value] of Object.entries(attributes ?? {})) el.setAttribute(name, value);
  el.getAccessToken = getAccessToken;
  return el;
}

async function start() {
  const [personas, metadata] = await Promise.all([
    fetch(`${api}/dev/personas`).then((r) => r.json()),
    fetch(`${api}/staff/staff.json`).then((r) => r.json()),
  ]);
  const me = personas.personas.find((p) => p.id === persona);
  if (me) document.getElementById('signed-in').textContent = texts.signedIn(me.name, me.description.split(' (')[0]);
  // Served by the broker on this origin too, so the page's own script-src covers it.
  await import(new URL(metadata.path, location.origin).href);

  const editor = element('sip-plan-editor');
  document.getElementById('worklist-slot').append(element('sip-worklist'));
  document.getElementById('list-slot').append(element('sip-plan-list'));
  document.getElementById('editor-slot').append(editor);

  // The yearly report on relatives' support, shown where the plan is, until a plan is opened again.
  const report = element('sip-report');
  report.hidden = true;
  document.getElementById('editor-slot').after(report);
  const showReport = document.createElement('button');
  showReport.type = 'button';
  showReport.id = 'show-report';
  showReport.className = 'nav-button';
  showReport.textContent = texts.report;
  showReport.addEventListener('click', () => {
    editor.hidden = true;
    report.hidden = false;
    document.getElementById('content').focus();
  });
  document.getElementById('report-slot').append(showReport);

  const open = (planId, focus) => {
    report.hidden = true;
    editor.hidden = false;
    editor.setAttribute('plan-id', planId);
    if (focus) editor.setAttribute('focus', focus);
    else editor.removeAttribute('focus');
    document.getElementById('content').focus();
  };
  document.addEventListener('sip-open-plan', (event) => open(event.detail.planId, event.detail.focus));
  document.addEventListener('sip-plan-created', (event) => open(event.detail.planId));

  // The plan both sides share in the demo (Astrid's), unless the address names another.
  let planId = params.get('plan');
  if (!planId) {
    const token = await mint();
    const list = await fetch(`${api}/api/plans`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json());
    planId = list.items.find((p) => (p.individual.name ?? '').startsWith('Astrid'))?.id ?? list.items[0]?.id;
  }
  if (planId) editor.setAttribute('plan-id', planId);
  if (params.get('view') === 'report') showReport.click();
}

start().catch(() => {
  const problem = document.getElementById('problem');
  problem.textContent = texts.failed;
  problem.hidden = false;
});
